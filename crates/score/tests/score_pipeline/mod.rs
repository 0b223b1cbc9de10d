//! What `sledger score <measure>` runs after reading its input (`crates/cli/src/commands/
//! score.rs`, issue #6 "Robustness"), for every registered measure: shared by the cargo-fuzz
//! target `score_decoder` (`fuzz/fuzz_targets/score_decoder.rs` includes this file) and the
//! regression tests (`tests/fuzz_regressions.rs`).
//!
//! A panic is a bug; so is a batch whose results do not match its inputs slot for slot, or a
//! refused slot that does not name its rule ([`check`]).

#![allow(dead_code)]

use serde_json::Value;
use sledger_core::MeasureConfig;
use sledger_score::{BatchOutcome, score_batch};

/// Scores the input with every measure; None when the CLI would stop before scoring (input
/// not UTF-8 or not JSON: an error message, no batch).
pub fn score_input(data: &[u8]) -> Option<Vec<BatchOutcome>> {
    let text = std::str::from_utf8(data).ok()?;
    let inputs: Value = serde_json::from_str(text).ok()?;
    let config = MeasureConfig::default();
    let outcomes = sledger_score::all()
        .into_iter()
        .map(|measure| {
            let outcome = score_batch(measure, &inputs, &config);
            check(&inputs, &outcome);
            outcome
        })
        .collect();
    Some(outcomes)
}

/// One result per input slot; `refused` counts the `{"error": {field, value, rule}}` slots,
/// each naming its rule; the results serialize as the CLI prints them.
pub fn check(inputs: &Value, outcome: &BatchOutcome) {
    let slots = inputs.as_array().map_or(1, Vec::len);
    assert_eq!(outcome.results.len(), slots, "one result per input");
    let errors: Vec<&Value> = outcome
        .results
        .iter()
        .filter_map(|r| r.get("error"))
        .collect();
    assert_eq!(
        errors.len(),
        outcome.refused,
        "refused counts the error slots"
    );
    for e in errors {
        assert!(e.get("field").is_some_and(Value::is_string), "{e}");
        assert!(e.get("value").is_some(), "{e}");
        let rule = e.get("rule").and_then(Value::as_str).unwrap_or_default();
        assert!(!rule.trim().is_empty(), "a refusal without its rule: {e}");
    }
    assert!(serde_json::to_string(&outcome.results).is_ok());
}

/// Values tried where a number goes: ordinary ones, the spec's boundaries and the edges of
/// Decimal, f64 and the integer types (a byte fuzzer rarely writes these digits itself).
const NUMBERS: [&str; 20] = [
    "0",
    "1",
    "-1",
    "0.5",
    "2.5",
    "30",
    "40",
    "120",
    "1000",
    "100000",
    "65535",
    "4294967296",
    "1e15",
    "0.001",
    "1e-28",
    "7.9e28",
    "-7.9e28",
    "79228162514264337593543950335",
    "1e308",
    "-0.0",
];

/// Values tried where a date goes.
const DATES: [&str; 6] = [
    "2025-01-06",
    "2025-03-10",
    "2025-02-28",
    "0001-01-01",
    "9999-12-31",
    "2025-1-6",
];

/// What an input schema allows at one place, reduced to what the generator picks from.
#[derive(Debug, Clone)]
pub enum Shape {
    Object(Vec<(String, Shape)>),
    Array(Box<Shape>),
    Leaf(Vec<Value>),
}

impl Shape {
    /// The shape of a measure's input JSON Schema (`$ref`s into `$defs` followed).
    pub fn of_schema(schema: &Value) -> Shape {
        Shape::of(schema, schema, 0)
    }

    fn of(node: &Value, root: &Value, depth: usize) -> Shape {
        let node = resolve(node, root);
        if let Some(props) = node.get("properties").and_then(Value::as_object)
            && depth < 4
        {
            return Shape::Object(
                props
                    .iter()
                    .map(|(k, v)| (k.clone(), Shape::of(v, root, depth + 1)))
                    .collect(),
            );
        }
        let types = types(node, root);
        if types.contains(&"array")
            && let Some(items) = node.get("items")
            && depth < 4
        {
            return Shape::Array(Box::new(Shape::of(items, root, depth + 1)));
        }
        if let Some(object) = variants(node)
            .iter()
            .map(|v| resolve(v, root))
            .find(|v| v.get("properties").is_some())
            && depth < 4
        {
            return Shape::of(object, root, depth + 1);
        }
        let mut palette = vec![Value::Null];
        let mut words = Vec::new();
        enum_words(node, root, &mut words, 0);
        palette.extend(words.into_iter().map(Value::String));
        if types.iter().any(|t| matches!(*t, "number" | "integer")) {
            palette.extend(NUMBERS.iter().filter_map(|n| serde_json::from_str(n).ok()));
            palette.extend(NUMBERS.iter().map(|n| Value::String((*n).to_owned())));
        }
        if types.contains(&"boolean") {
            palette.extend([Value::Bool(true), Value::Bool(false)]);
        }
        if node.get("format").and_then(Value::as_str) == Some("date") {
            palette.extend(DATES.iter().map(|d| Value::String((*d).to_owned())));
        } else if types.contains(&"string") && palette.len() == 1 {
            palette.extend([Value::String(String::new()), Value::String("x".to_owned())]);
        }
        Shape::Leaf(palette)
    }

    /// A value of this shape, chosen by the bytes (0 when they run out).
    pub fn generate(&self, bytes: &mut impl Iterator<Item = u8>) -> Value {
        let mut next = || usize::from(bytes.next().unwrap_or(0));
        match self {
            Shape::Leaf(palette) => palette[next() % palette.len()].clone(),
            Shape::Array(item) => {
                let n = next() % 4;
                Value::Array((0..n).map(|_| item.generate(bytes)).collect())
            }
            Shape::Object(fields) => {
                let mut object = serde_json::Map::new();
                let n = next() % (fields.len() + 1);
                for _ in 0..n {
                    let (name, shape) =
                        &fields[usize::from(bytes.next().unwrap_or(0)) % fields.len()];
                    object.insert(name.clone(), shape.generate(bytes));
                }
                Value::Object(object)
            }
        }
    }
}

fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .and_then(|name| root.get("$defs").and_then(|d| d.get(name)))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn variants(node: &Value) -> Vec<&Value> {
    ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Value::as_array))
        .flatten()
        .collect()
}

fn types<'a>(node: &'a Value, root: &'a Value) -> Vec<&'a str> {
    let mut out: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for v in variants(node) {
        out.extend(types(resolve(v, root), root));
    }
    out
}

fn enum_words(node: &Value, root: &Value, out: &mut Vec<String>, depth: usize) {
    let node = resolve(node, root);
    if depth > 6 {
        return;
    }
    for key in ["enum", "const"] {
        match node.get(key) {
            Some(Value::Array(values)) => {
                out.extend(values.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            Some(Value::String(s)) => out.push(s.clone()),
            _ => {}
        }
    }
    for v in variants(node) {
        enum_words(v, root, out, depth + 1);
    }
}

/// `score_fields`: the first byte picks a measure; the rest builds a batch of inputs from its
/// input schema (field names, enum values, dates and boundary numbers), scored like
/// [`score_input`] does: structure the byte fuzzer rarely assembles on its own.
pub fn score_fields(data: &[u8]) -> Option<BatchOutcome> {
    let (&pick, rest) = data.split_first()?;
    static SHAPES: std::sync::OnceLock<Vec<Shape>> = std::sync::OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        sledger_score::all()
            .iter()
            .map(|m| Shape::of_schema(&m.input_schema()))
            .collect()
    });
    let measures = sledger_score::all();
    let index = usize::from(pick) % measures.len();
    let (measure, shape) = (measures[index], &shapes[index]);
    let mut bytes = rest.iter().copied();
    let mut inputs = Vec::new();
    while bytes.len() > 0 && inputs.len() < 8 {
        inputs.push(shape.generate(&mut bytes));
    }
    let inputs = Value::Array(inputs);
    let outcome = score_batch(measure, &inputs, &MeasureConfig::default());
    check(&inputs, &outcome);
    Some(outcome)
}
