//! A study's allocation lists (issue #4 item 2): set up once from secret seeds — 32 bytes from
//! the operating system per list, `test` and `live` apart — and concealed. Permuted-block
//! lists are generated at set-up, `target_participants` slots per stratum completed to the
//! end of a block, and extended deterministically (same seed, same stream, so the prefix is
//! unchanged) if a stratum runs out. Minimization has no list: the arm is computed when the
//! patient is randomized, from the seed and the prior allocations (allocation.rs).
//!
//! The audit trail gets a keyed digest of each list (SHA-256 of the seed and the slots), so a
//! later change of the stored list is detectable without revealing it to those who read the
//! trail.

use std::fmt;
use std::str::FromStr;

use serde_json::json;
use sha2::{Digest, Sha256};
use sledger_core::InputError;
use sledger_core::protocol::{Method, RandomizationPlan};
use sledger_core::randomization::{AllocationList, AllocationRatio, Seed, generate_lists};

use crate::Store;
use crate::authorization::{self, Permission};
use crate::backend::Tx;
use crate::error::StoreError;
use crate::fact;
use crate::stratum::plan;
use crate::study::Study;
use crate::write::{Actor, Write};

/// Which list: `test` for training and checks, `live` for the trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    Test,
    Live,
}

impl ListKind {
    pub fn code(self) -> &'static str {
        match self {
            ListKind::Test => "test",
            ListKind::Live => "live",
        }
    }
}

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ListKind {
    type Err = InputError;

    fn from_str(text: &str) -> Result<ListKind, InputError> {
        match text {
            "test" => Ok(ListKind::Test),
            "live" => Ok(ListKind::Live),
            _ => Err(InputError::new("list", text, "test or live")),
        }
    }
}

/// What set-up made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetUp {
    pub method: &'static str,
    pub strata: usize,
    /// Slots generated per list (permuted blocks), None for minimization.
    pub slots_per_list: Option<usize>,
}

/// One row of a list as the unblinded see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub stratum: String,
    pub sequence_no: i64,
    pub arm: String,
    /// Block number and size (permuted blocks).
    pub block: Option<(i64, i64)>,
    /// The patient and allocation number, once the slot is taken.
    pub allocated: Option<(String, i64)>,
}

fn seed_hex(seed: &Seed) -> String {
    seed.0.iter().map(|b| format!("{b:02x}")).collect()
}

fn seed_from_hex(text: &str) -> Result<Seed, StoreError> {
    let corrupt = || StoreError::Corrupt("randomization_seed.seed_hex is not 64 hex digits");
    if text.len() != 64 {
        return Err(corrupt());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| corrupt())?;
    }
    Ok(Seed(key))
}

/// 32 bytes from the operating system's generator.
fn os_seed() -> Result<Seed, StoreError> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| StoreError::Config(format!("no operating-system randomness: {e}")))?;
    Ok(Seed(key))
}

/// A keyed digest (SHA-256 of the seed, then the text): reveals nothing without the seed.
pub(crate) fn keyed_digest(seed: &Seed, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(seed.0);
    h.update(text.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The seed of a list, or a refusal saying randomization is not set up.
pub(crate) async fn seed_of(
    tx: &mut Tx,
    study: &Study,
    kind: ListKind,
) -> Result<Seed, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT seed_hex FROM randomization_seed WHERE study_id = $1 AND list_kind = $2",
            &[study.study_id.as_str().into(), kind.code().into()],
        )
        .await?;
    let Some(row) = row else {
        return Err(InputError::new(
            "randomization",
            &study.code,
            "not set up: run `sledger randomization setup --study CODE` (admin)",
        )
        .into());
    };
    seed_from_hex(&row.req_text(0)?)
}

/// The arm id of arm index `arm` of the protocol.
pub(crate) fn arm_id(study: &Study, arm: u8) -> Result<String, StoreError> {
    study
        .protocol
        .arms()
        .get(usize::from(arm))
        .map(|a| a.id.clone())
        .ok_or(StoreError::Corrupt(
            "an arm index beyond the protocol's arms",
        ))
}

/// Inserts the slots of `lists` whose sequence is above `after` (per stratum index) and
/// returns the keyed digest of what was inserted.
async fn insert_slots(
    tx: &mut Tx,
    study: &Study,
    kind: ListKind,
    seed: &Seed,
    lists: &[(usize, &AllocationList)],
    after: i64,
) -> Result<(usize, String), StoreError> {
    let mut text = String::new();
    let mut count = 0;
    for (index, list) in lists {
        for slot in list.slots.iter().filter(|s| i64::from(s.sequence) > after) {
            let arm = arm_id(study, slot.arm.0)?;
            tx.execute(
                "INSERT INTO randomization_slot (study_id, list_kind, stratum_index, sequence_no, arm, block_no, block_size) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    study.study_id.as_str().into(),
                    kind.code().into(),
                    (*index as i64).into(),
                    i64::from(slot.sequence).into(),
                    arm.as_str().into(),
                    i64::from(slot.block).into(),
                    i64::from(slot.block_size).into(),
                ],
            )
            .await?;
            text.push_str(&format!(
                "{kind}|{index}|{}|{arm}|{}|{}\n",
                slot.sequence, slot.block, slot.block_size
            ));
            count += 1;
        }
    }
    Ok((count, keyed_digest(seed, &text)))
}

/// Extends stratum `index`'s block list past `needed` (deterministically: the same seed and
/// stream give the same prefix), inside the randomization's transaction.
pub(crate) async fn extend_list(
    w: &mut Write,
    study: &Study,
    plan: &RandomizationPlan,
    kind: ListKind,
    seed: &Seed,
    index: usize,
    needed: i64,
) -> Result<(), StoreError> {
    let Method::PermutedBlocks(design) = plan.method() else {
        return Ok(());
    };
    let have = w
        .tx
        .fetch_optional(
            "SELECT MAX(sequence_no) FROM randomization_slot WHERE study_id = $1 AND list_kind = $2 AND stratum_index = $3",
            &[study.study_id.as_str().into(), kind.code().into(), (index as i64).into()],
        )
        .await?
        .and_then(|r| r.int(0).ok().flatten())
        .unwrap_or(0);
    let per_stratum =
        u32::try_from(needed.max(have) + i64::from(study.protocol.target_participants()))
            .map_err(|_| InputError::new("per_stratum", needed, "too many slots"))?;
    let lists = generate_lists(design, plan.factors(), per_stratum, *seed)?;
    let list = lists.get(index).ok_or(StoreError::Corrupt(
        "a stratum index beyond the plan's strata",
    ))?;
    let (count, digest) =
        insert_slots(&mut w.tx, study, kind, seed, &[(index, list)], have).await?;
    let after = json!({
        "list": kind.code(), "stratum": list.stratum.label(plan.factors()),
        "slots_added": count, "digest": digest,
    });
    w.audit(
        "extend",
        "randomization_list",
        &study.study_id,
        None,
        Some(after.to_string()),
        None,
    )
    .await
}

impl Store {
    /// Generates the study's `test` and `live` lists (admin only, once). `confirm_ratio`,
    /// when given, must be the protocol's ratio (a set-up for the wrong design is refused).
    pub async fn set_up_randomization(
        &self,
        actor: &Actor,
        study: &Study,
        confirm_ratio: Option<&AllocationRatio>,
    ) -> Result<SetUp, StoreError> {
        let result = self.try_set_up(actor, study, confirm_ratio).await;
        self.audit_refusal(actor, study, "randomization", &study.code, result)
            .await
    }

    async fn try_set_up(
        &self,
        actor: &Actor,
        study: &Study,
        confirm_ratio: Option<&AllocationRatio>,
    ) -> Result<SetUp, StoreError> {
        let plan = plan(study)?;
        if let Some(ratio) = confirm_ratio.filter(|r| *r != plan.ratio()) {
            return Err(InputError::new(
                "ratio",
                ratio,
                format!(
                    "does not match the protocol, which allocates {} ({})",
                    plan.ratio(),
                    study
                        .protocol
                        .arms()
                        .iter()
                        .map(|a| a.id.as_str())
                        .collect::<Vec<_>>()
                        .join(":")
                ),
            )
            .into());
        }
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::SetUpRandomization).await?;
        let done =
            w.tx.fetch_optional(
                "SELECT list_kind FROM randomization_seed WHERE study_id = $1",
                &[study.study_id.as_str().into()],
            )
            .await?;
        if done.is_some() {
            return Err(StoreError::Duplicate {
                field: "randomization",
                value: study.code.clone(),
            });
        }
        let strata = plan.strata().len();
        let mut slots_per_list = None;
        let mut lists_json = serde_json::Map::new();
        for kind in [ListKind::Test, ListKind::Live] {
            let seed = os_seed()?;
            let at = w.at().to_owned();
            w.tx.execute(
                "INSERT INTO randomization_seed (study_id, list_kind, method, seed_hex, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    study.study_id.as_str().into(),
                    kind.code().into(),
                    plan.method_name().into(),
                    seed_hex(&seed).into(),
                    at.as_str().into(),
                    actor.0.as_str().into(),
                ],
            )
            .await?;
            let summary = match plan.method() {
                Method::PermutedBlocks(design) => {
                    let lists = generate_lists(
                        design,
                        plan.factors(),
                        study.protocol.target_participants(),
                        seed,
                    )?;
                    let indexed: Vec<(usize, &AllocationList)> = lists.iter().enumerate().collect();
                    let (count, digest) =
                        insert_slots(&mut w.tx, study, kind, &seed, &indexed, 0).await?;
                    slots_per_list = Some(count);
                    json!({ "slots": count, "digest": digest })
                }
                Method::Minimization(_) => json!({ "seed_digest": keyed_digest(&seed, "") }),
            };
            lists_json.insert(kind.code().to_owned(), summary);
        }
        let after = json!({
            "method": plan.method_name(), "ratio": plan.ratio().to_string(),
            "strata": strata, "lists": lists_json,
        });
        w.audit(
            "create",
            "randomization",
            &study.study_id,
            None,
            Some(after.to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(SetUp {
            method: plan.method_name(),
            strata,
            slots_per_list,
        })
    }

    /// The list of `kind` (admin and unblinded statistician only): every slot of a block
    /// list with who took it, or every minimization allocation. The reading is audited.
    pub async fn allocation_list(
        &self,
        actor: &Actor,
        study: &Study,
        kind: ListKind,
    ) -> Result<Vec<ListEntry>, StoreError> {
        let result = self.try_list(actor, study, kind).await;
        self.audit_refusal(actor, study, "randomization_list", kind.code(), result)
            .await
    }

    async fn try_list(
        &self,
        actor: &Actor,
        study: &Study,
        kind: ListKind,
    ) -> Result<Vec<ListEntry>, StoreError> {
        let plan = plan(study)?;
        let mut w = Write::begin(self.pool(), &study.study_id, actor).await?;
        authorization::authorize(&mut w.tx, actor, Permission::ViewLists).await?;
        seed_of(&mut w.tx, study, kind).await?;
        let codes: std::collections::HashMap<String, String> = fact::PATIENT
            .current_all(&mut w.tx, &study.study_id)
            .await?
            .into_iter()
            .map(|p| {
                (
                    p.entity_id.clone(),
                    p.text("code").unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let allocations =
            w.tx.fetch_all(
                "SELECT stratum_index, sequence_no, arm, patient_id, allocation_no FROM allocation \
                 WHERE study_id = $1 AND list_kind = $2 ORDER BY allocation_no",
                &[study.study_id.as_str().into(), kind.code().into()],
            )
            .await?;
        let labels: Vec<String> = plan
            .strata()
            .iter()
            .map(|s| s.label(plan.factors()))
            .collect();
        let label = |i: i64| -> Result<String, StoreError> {
            usize::try_from(i)
                .ok()
                .and_then(|i| labels.get(i).cloned())
                .ok_or(StoreError::Corrupt(
                    "a stratum index beyond the plan's strata",
                ))
        };
        let mut taken = std::collections::HashMap::new();
        let mut entries = Vec::new();
        for row in &allocations {
            let (index, seq) = (row.req_int(0)?, row.req_int(1)?);
            let patient = codes.get(&row.req_text(3)?).cloned().unwrap_or_default();
            let number = row.req_int(4)?;
            match plan.method() {
                Method::PermutedBlocks(_) => {
                    taken.insert((index, seq), (patient, number));
                }
                Method::Minimization(_) => entries.push(ListEntry {
                    stratum: label(index)?,
                    sequence_no: seq,
                    arm: row.req_text(2)?,
                    block: None,
                    allocated: Some((patient, number)),
                }),
            }
        }
        if let Method::PermutedBlocks(_) = plan.method() {
            let slots = w
                .tx
                .fetch_all(
                    "SELECT stratum_index, sequence_no, arm, block_no, block_size FROM randomization_slot \
                     WHERE study_id = $1 AND list_kind = $2 ORDER BY stratum_index, sequence_no",
                    &[study.study_id.as_str().into(), kind.code().into()],
                )
                .await?;
            for row in &slots {
                let (index, seq) = (row.req_int(0)?, row.req_int(1)?);
                entries.push(ListEntry {
                    stratum: label(index)?,
                    sequence_no: seq,
                    arm: row.req_text(2)?,
                    block: Some((row.req_int(3)?, row.req_int(4)?)),
                    allocated: taken.remove(&(index, seq)),
                });
            }
        }
        w.audit(
            "view",
            "randomization_list",
            &study.study_id,
            None,
            Some(json!({ "list": kind.code(), "rows": entries.len() }).to_string()),
            None,
        )
        .await?;
        w.commit().await?;
        Ok(entries)
    }
}
