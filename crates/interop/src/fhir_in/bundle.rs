//! A FHIR Bundle file (`.json`): read whole (a Bundle is one JSON document; bulk exports,
//! the volume path, are NDJSON and read line by line), its entries' resources in order.

use serde::Deserialize;
use sledger_core::InputError;

use super::resource::{Resource, shorten};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    resource_type: String,
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    resource: Option<Resource>,
}

/// The resources of a Bundle, in entry order (entries without a resource are skipped).
pub fn parse_bundle(text: &str) -> Result<Vec<Resource>, InputError> {
    let bundle: Bundle = serde_json::from_str(text)
        .map_err(|e| InputError::new("json", shorten(text), format!("not a FHIR Bundle: {e}")))?;
    if bundle.resource_type != "Bundle" {
        return Err(InputError::new(
            "resourceType",
            bundle.resource_type,
            "a .json file must hold a Bundle (bulk exports are .ndjson)",
        ));
    }
    Ok(bundle
        .entry
        .into_iter()
        .filter_map(|e| e.resource)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_gives_its_resources_in_order() {
        let r = parse_bundle(
            r#"{"resourceType":"Bundle","type":"collection","entry":[
              {"fullUrl":"urn:a","resource":{"resourceType":"Patient","id":"p1"}},
              {"request":{"method":"GET"}},
              {"resource":{"resourceType":"Observation","id":"o1"}}]}"#,
        )
        .unwrap();
        let ids: Vec<_> = r.iter().map(|r| r.id.clone().unwrap()).collect();
        assert_eq!(ids, ["p1", "o1"]);
        assert_eq!(
            parse_bundle(r#"{"resourceType":"Patient"}"#)
                .unwrap_err()
                .field,
            "resourceType"
        );
    }
}
