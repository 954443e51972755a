//! The desktop connected to a school's server, without a window: a real `gradsign serve` over TLS
//! on 127.0.0.1 with a test CA, on the test PostgreSQL; the same calls the window's commands make.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../crates/server/tests/support/mod.rs"]
mod support;

use gradsign_api::ErrorCode;
use gradsign_engine::SessionToken;
use serde_json::{json, Value};
use support::*;

use crate::school::SchoolPlace;
use crate::state::{AppState, School};

fn server_place(server: &gradsign_server::RunningServer, ca: &TestCa) -> SchoolPlace {
    SchoolPlace::Server {
        address: server.url(),
        ca_pem: Some(ca.ca_pem.clone()),
    }
}

/// A data folder that names the school's server opens without asking it, then every operation
/// and the session ones go there: signing in, the graduate's page, the messages the desktop's
/// notifications read; back on this machine, the session has ended and the local database serves.
#[test]
fn a_desktop_on_the_schools_server_runs_every_operation_there() {
    tauri::async_runtime::block_on(async {
        let (engine, _files) = demo_on_postgres().await;
        let ca = test_ca("school");
        let server = serve(engine.clone(), &ca).await;
        let dir = tempfile::tempdir().unwrap();
        server_place(&server, &ca).save(dir.path()).unwrap();

        let state = AppState::open(dir.path()).await.unwrap();
        assert!(matches!(&*state.school(), Ok(School::Server(_))));
        assert!(
            !crate::state::database_path(dir.path()).exists(),
            "no local database is made for a server's school"
        );
        let status = state
            .call("app_status", Value::Null)
            .await
            .unwrap()
            .into_json()
            .unwrap();
        assert_eq!(
            status["schoolName"],
            engine.school_name().await.unwrap().unwrap().as_str()
        );

        let opened = state
            .call_as(
                None,
                "session_open",
                json!({"username": "employer01", "password": gradsign_engine::demo::DEMO_PASSWORD}),
            )
            .await
            .unwrap()
            .into_json()
            .unwrap();
        let token = SessionToken(opened["token"].as_str().unwrap().to_string());
        state.keep_session(token.clone());
        let profile = state
            .call("employer_profile", Value::Null)
            .await
            .unwrap()
            .into_json()
            .unwrap();
        // The server's engine knows this session: it is the server's, not this machine's.
        let actor = engine.authenticate(&token, NOW).await.unwrap();
        assert_eq!(profile["id"].as_i64(), actor.employer_id);
        let messages = state
            .call("messages_list", Value::Null)
            .await
            .unwrap()
            .into_json()
            .unwrap();
        assert!(messages.is_array());

        // A refusal comes back in the one shape, from the server.
        let e = state.call("admin_accounts", Value::Null).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);

        // Back on this machine: the session is over, the local database opens empty.
        state.switch(&SchoolPlace::Here).await.unwrap();
        assert!(
            state.token().is_err(),
            "the server's session ended with the switch"
        );
        let status = state
            .call("app_status", Value::Null)
            .await
            .unwrap()
            .into_json()
            .unwrap();
        assert_eq!(status["firstStart"], true);
        assert_eq!(SchoolPlace::load(dir.path()), SchoolPlace::Here);
    });
}

/// A server whose certificate another CA signed is refused when the desktop asks it, with the
/// reason; the app still opens (nothing is asked at start-up) and says so on the first call.
#[test]
fn a_server_of_another_ca_is_refused_with_the_reason() {
    tauri::async_runtime::block_on(async {
        let (engine, _files) = demo_on_postgres().await;
        let ca = test_ca("school");
        let server = serve(engine, &ca).await;
        let other = test_ca("someone else");
        let dir = tempfile::tempdir().unwrap();
        server_place(&server, &other).save(dir.path()).unwrap();
        let state = AppState::open(dir.path()).await.unwrap();
        let e = state.call("app_status", Value::Null).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::UntrustedServer);
        assert!(e.message.zh.contains("证书不受信任"), "{}", e.message.zh);

        // A switch to a server that cannot be reached keeps the school where it was.
        let here = tempfile::tempdir().unwrap();
        let state = AppState::open(here.path()).await.unwrap();
        let bad = SchoolPlace::Server {
            address: "http://school.example.edu.cn".into(),
            ca_pem: None,
        };
        let e = state.switch(&bad).await.unwrap_err();
        assert_eq!(
            (e.code, e.details["field"].as_str()),
            (ErrorCode::Validation, Some("address"))
        );
        assert!(matches!(&*state.school(), Ok(School::Here(_))));
        assert_eq!(SchoolPlace::load(here.path()), SchoolPlace::Here);
    });
}

/// A PNG of noise (which does not compress) of about `megabytes`, as a phone's photo.
fn photo(megabytes: usize) -> Vec<u8> {
    let side = ((megabytes * 1024 * 1024 / 3) as f64).sqrt() as u32;
    let mut seed = 0x9e37_79b9_u32;
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        image::Rgb([seed as u8, (seed >> 8) as u8, (seed >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// In remote mode a file the window sends inline streams to the server's uploads route first and
/// the request names it by id (R-UPLOAD-03): a 3 MB licence photo, which the server's 2 MB JSON
/// limit would refuse inline, replaces the employer's licence, and its bytes are heard as they go.
#[test]
fn a_file_streams_to_the_server_and_the_request_names_it() {
    use base64::Engine as _;
    use std::sync::{Arc, Mutex};
    tauri::async_runtime::block_on(async {
        let (engine, _files) = demo_on_postgres().await;
        let ca = test_ca("school");
        let server = serve(engine.clone(), &ca).await;
        let dir = tempfile::tempdir().unwrap();
        server_place(&server, &ca).save(dir.path()).unwrap();
        let state = AppState::open(dir.path()).await.unwrap();
        let heard: Arc<Mutex<Vec<(String, u64, u64)>>> = Arc::default();
        let sink = heard.clone();
        state.set_upload_progress(Arc::new(move |name: &str, sent, total| {
            sink.lock().unwrap().push((name.to_string(), sent, total));
        }));
        let opened = state
            .call_as(
                None,
                "session_open",
                json!({"username": "employer01", "password": gradsign_engine::demo::DEMO_PASSWORD}),
            )
            .await
            .unwrap()
            .into_json()
            .unwrap();
        state.keep_session(SessionToken(opened["token"].as_str().unwrap().to_string()));

        let licence = photo(3);
        assert!(licence.len() > 2 * 1024 * 1024);
        let request = json!({
            "name": "营业执照-新.png",
            "dataBase64": base64::engine::general_purpose::STANDARD.encode(&licence),
        });
        let profile = state
            .call("employer_replace_licence", request)
            .await
            .unwrap()
            .into_json()
            .unwrap();
        assert_eq!(profile["licenceName"], "营业执照-新.png");
        {
            let heard = heard.lock().unwrap();
            let last = heard.last().expect("progress was heard");
            assert_eq!(
                (last.0.as_str(), last.1, last.2),
                (
                    "营业执照-新.png",
                    licence.len() as u64,
                    licence.len() as u64
                )
            );
            assert!(heard.len() > 10, "heard in chunks: {}", heard.len());
        }

        // Not an image: left inline, and the engine's own refusal comes back.
        let e = state
            .call(
                "employer_replace_licence",
                json!({"name": "notes.txt", "dataBase64": "aGVsbG8="}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{e:?}");
    });
}
