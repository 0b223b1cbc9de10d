// What the visit form must show for the visit the browser test enters (run.mjs scenario b),
// computed here from the inputs by the published rules — not copied from the page — so the
// test can fail when the live scores are wrong.
//
// The patient is the demo's P0042 (crates/cli/src/commands/demo_awaiting.rs): female, born
// 1984-06, baseline serum creatinine 0.90 mg/dL and 24-hour UPCR 3200 mg/g.

/** The inputs typed into form#visit-form. */
export const VISIT_INPUT = {
  visit: 'm1',
  creatinine: '0.9',
  creatinine_unit: 'mg/dL',
  upcr: '300',
  upcr_unit: 'mg/g',
  upcr_specimen: '24h_collection',
  prednisone: '20',
  sledai: ['arthritis', 'rash', 'alopecia'],
};

/** P0042's fixed baseline and identity. */
export const BASELINE = { creatinineMgDl: 0.9, upcrMgG: 3200, female: true, birth: { year: 1984, month: 6 } };

/** SLEDAI-2K descriptor weights (Gladman, J Rheumatol 2002;29:288-291; sle-activity §1). */
export const SLEDAI_WEIGHTS = {
  seizure: 8, psychosis: 8, organic_brain_syndrome: 8, visual_disturbance: 8,
  cranial_nerve_disorder: 8, lupus_headache: 8, cva: 8, vasculitis: 8,
  arthritis: 4, myositis: 4, urinary_casts: 4, hematuria: 4, proteinuria: 4, pyuria: 4,
  rash: 2, alopecia: 2, mucosal_ulcers: 2, pleurisy: 2, pericarditis: 2,
  low_complement: 2, increased_dna_binding: 2,
  fever: 1, thrombocytopenia: 1, leukopenia: 1,
};

/** CKD-EPI 2021 creatinine equation (Inker, N Engl J Med 2021;385:1737-1749), rounded. */
export function ckdEpi2021(creatinineMgDl, ageYears, female) {
  const kappa = female ? 0.7 : 0.9;
  const alpha = female ? -0.241 : -0.302;
  const ratio = creatinineMgDl / kappa;
  const egfr = 142 * Math.min(ratio, 1) ** alpha * Math.max(ratio, 1) ** -1.2
    * 0.9938 ** ageYears * (female ? 1.012 : 1);
  return Math.round(egfr);
}

/** Completed years at `on` for a birth known to the month (the day is not recorded). */
function age(birth, on) {
  const years = on.getUTCFullYear() - birth.year;
  return on.getUTCMonth() + 1 < birth.month ? years - 1 : years;
}

/** The expected live scores of VISIT_INPUT entered on `today`. */
export function expectedVisit(today) {
  const sledai = VISIT_INPUT.sledai.reduce((sum, item) => sum + SLEDAI_WEIGHTS[item], 0);
  const years = age(BASELINE.birth, today);
  const egfr = ckdEpi2021(Number(VISIT_INPUT.creatinine), years, BASELINE.female);
  const egfrBase = ckdEpi2021(BASELINE.creatinineMgDl, years, BASELINE.female);
  const upcr = Number(VISIT_INPUT.upcr);
  // KDIGO 2024: complete UPCR < 500 mg/g, partial ≥ 50 % reduction to < 3000 mg/g, both with
  // eGFR ≥ 85 % of baseline (renal.md §3.2; tolerance 0.15 by default).
  const egfrOk = egfr >= 0.85 * egfrBase;
  let response = 'none';
  if (egfrOk && upcr < 500) response = 'complete';
  else if (egfrOk && upcr < 3000 && upcr <= BASELINE.upcrMgG / 2) response = 'partial';
  return {
    date: today.toISOString().slice(0, 10),
    sledai2k: String(sledai),
    egfr,
    response,
    renalResponse: RESPONSE_TEXT[response],
  };
}

/** How the page names a response in English (crates/web/locales/en/visit.ftl). */
const RESPONSE_TEXT = {
  complete: 'complete',
  partial: 'partial',
  none: 'no response',
};
