//! The OpenAPI document: 3.1, served at /api/openapi.json, snapshot-tested so a change to
//! the API shows up in review.

use axum::http::Method;

#[test]
fn the_document_is_openapi_3_1_and_matches_its_snapshot() {
    let text = sledger_web::openapi_json();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let mut ids = std::collections::BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} is not unique");
            let problems = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(status, _)| status.starts_with('4'));
            for (status, response) in problems {
                assert!(
                    response["content"]
                        .get("application/problem+json")
                        .is_some(),
                    "{id} {status} answers problem+json"
                );
            }
        }
    }
    insta::assert_snapshot!("openapi", text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_served_without_authentication() {
    let app = crate::harness::sqlite(sledger_web::WebConfig::default()).await;
    let reply = app.send(Method::GET, "/api/openapi.json", &[], None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json,
        serde_json::from_str::<serde_json::Value>(&sledger_web::openapi_json()).unwrap()
    );
    app.cleanup().await;
}
