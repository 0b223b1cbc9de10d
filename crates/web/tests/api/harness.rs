//! The real router on a fresh store: a SQLite file, or a PostgreSQL database created and
//! dropped by the test (as the store's suite does: `SLEDGER_TEST_POSTGRES`, and
//! `SLEDGER_REQUIRE_POSTGRES=1` to fail instead of skipping when it is unreachable).
//! Requests go through `tower::ServiceExt::oneshot`, the whole middleware stack included.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sledger_store::{Actor, NewPatient, Role, Store};
use sledger_web::{AppState, WebConfig};
use tower::ServiceExt;

pub const STUDY: &str = "RCT";
/// The site of every test user but `other`.
pub const SITE: &str = "SA";
pub const OTHER_SITE: &str = "SB";
pub const PASSWORD: &str = "correct horse battery";

/// The users of the role matrix: name, role, site.
pub const USERS: [(&str, Role, &str); 6] = [
    ("root", Role::Admin, SITE),
    ("inv", Role::Investigator, SITE),
    ("coord", Role::Coordinator, SITE),
    ("mon", Role::Monitor, SITE),
    ("stat", Role::Statistician, SITE),
    ("other", Role::Investigator, OTHER_SITE),
];

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub tokens: HashMap<&'static str, String>,
    /// The adverse event recorded for P-A1 (corrections target it).
    pub ae_id: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin: String, name: String },
}

/// A response: status, headers, body as JSON (Null when the body is not JSON) and as text.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

fn postgres_admin_url() -> String {
    std::env::var("SLEDGER_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub async fn sqlite(config: WebConfig) -> TestApp {
    let path =
        std::env::temp_dir().join(format!("sledger-web-{}.db", sledger_store::write::new_id()));
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .expect("a fresh SQLite store opens");
    TestApp::seed(store, config, Cleanup::File(path)).await
}

pub async fn postgres(config: WebConfig) -> Option<TestApp> {
    let admin = postgres_admin_url();
    let required = std::env::var("SLEDGER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let pool = match sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
    {
        Ok(pool) => pool,
        Err(e) if !required => {
            eprintln!("SKIPPED (PostgreSQL unreachable at {admin}: {e})");
            return None;
        }
        Err(e) => {
            panic!("PostgreSQL is required (SLEDGER_REQUIRE_POSTGRES=1) but unreachable: {e}")
        }
    };
    let name = format!(
        "sledger_web_{}",
        sledger_store::write::new_id().replace('-', "")
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("the test may create databases");
    pool.close().await;
    let (base, _) = admin
        .rsplit_once('/')
        .expect("SLEDGER_TEST_POSTGRES ends with /DATABASE");
    let store = Store::open(&format!("{base}/{name}"))
        .await
        .expect("a fresh PostgreSQL store opens");
    Some(TestApp::seed(store, config, Cleanup::Database { admin, name }).await)
}

/// A visit of P-A1 as `sledger visit record` reads it.
pub fn visit_json(visit: &str, date: &str, key: &str) -> Value {
    json!({
        "patient": "P-A1", "visit": visit, "date": date, "idempotency_key": key,
        "observations": [
            {"code_system": "http://loinc.org", "code": "2160-0", "value": 1.1, "unit": "mg/dL"},
            {"code_system": "http://loinc.org", "code": "2890-2", "value": 3200, "unit": "mg/g",
             "specimen": "24h_collection"}
        ],
        "sledai": {"sledai_proteinuria": "present"},
        "pga_hundredths": 150
    })
}

impl TestApp {
    async fn seed(store: Store, config: WebConfig, cleanup: Cleanup) -> TestApp {
        let protocol_path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../protocols/msc-ln-rct.toml"
        );
        let protocol = std::fs::read_to_string(protocol_path).expect("the RCT protocol");
        let root = Actor("root".to_owned());
        let study = store
            .create_study(&root, STUDY, "msc-ln-rct.toml", &protocol)
            .await
            .expect("study");
        let mut tokens = HashMap::new();
        for (name, role, site) in USERS {
            store.add_user(&root, name, role).await.expect("user");
            if role != Role::Admin {
                store.grant_site(&root, name, site).await.expect("site");
            }
            let token = store
                .create_api_token(&root, name, "tests")
                .await
                .expect("token");
            tokens.insert(name, token);
        }
        store
            .set_password(&root, "inv", PASSWORD)
            .await
            .expect("password");
        for (code, site) in [("P-A1", SITE), ("P-B1", OTHER_SITE)] {
            let patient = NewPatient {
                code: code.to_owned(),
                site: site.to_owned(),
                sex: sledger_core::sex::RecordedSex::Female,
                birth_year: 1985,
                birth_month: 4,
                enrollment_date: "2024-01-10".parse().expect("date"),
            };
            store.enroll(&root, &study, &patient).await.expect("enroll");
        }
        let infusion = sledger_core::infusion::Infusion {
            date: "2024-01-20".parse().expect("date"),
            source: sledger_core::protocol::CellSource::BoneMarrow,
            donor: sledger_core::protocol::Donor::Allogeneic,
            route: sledger_core::protocol::Route::Iv,
            lot: None,
            total_cells: 90_000_000,
            weight_kg: None,
            viability_pct: None,
            premedication: None,
        };
        store
            .record_infusion(&root, &study, "P-A1", infusion)
            .await
            .expect("infusion");
        let baseline = sledger_store::visit_wire::parse_visit(&visit_json(
            "baseline",
            "2024-01-18",
            "P-A1/baseline",
        ))
        .expect("a valid visit");
        store
            .record_visit(&root, &study, baseline)
            .await
            .expect("baseline visit");
        let ae = sledger_store::visit_wire::parse_adverse_event(&json!({
            "term": "Headache", "ctcae_grade": 1, "serious": false, "relatedness": "possible",
            "onset_date": "2024-01-21"
        }))
        .expect("a valid adverse event");
        let ae_id = store
            .record_adverse_event(&root, &study, "P-A1", &ae)
            .await
            .expect("adverse event");
        let state = AppState::new(store, config);
        TestApp {
            router: sledger_web::router(state.clone()),
            state,
            tokens,
            ae_id,
            cleanup,
        }
    }

    pub fn token(&self, user: &str) -> &str {
        self.tokens
            .get(user)
            .map(String::as_str)
            .expect("a test user")
    }

    /// Sends a request through the whole router.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let body = match body {
            Some(v) => {
                req = req.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(req.body(body).expect("a request"))
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status,
            headers,
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }

    /// A request as `user` with their bearer token (`None`: anonymous).
    pub async fn as_user(
        &self,
        user: Option<&str>,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        match user {
            Some(u) => {
                let auth = format!("Bearer {}", self.token(u));
                self.send(method, path, &[("authorization", &auth)], body)
                    .await
            }
            None => self.send(method, path, &[], body).await,
        }
    }

    pub async fn cleanup(self) {
        self.state.store.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin, name } => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&admin)
                    .await
                    .expect("PostgreSQL still reachable");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&pool)
                .await
                .expect("the test drops its database");
                pool.close().await;
            }
        }
    }
}

/// Runs `story(app)` on SQLite and on PostgreSQL, as `<story>::sqlite` and `<story>::postgres`.
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let app = crate::harness::sqlite(sledger_web::WebConfig::default()).await;
                super::$story(&app).await;
                app.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(app) = crate::harness::postgres(sledger_web::WebConfig::default()).await else { return };
                super::$story(&app).await;
                app.cleanup().await;
            }
        }
    )*};
}
pub(crate) use on_both_backends;
