//! The school admin's workspace in the engine: Excel exports (R-STAT-02), departments renamed and
//! merged (R-DEP-01), accounts and employers disabled (R-ACC-01), original scans kept or not
//! (R-SCAN-03), a fix's consequences shown first (R-DEST-05) and import files read from bytes
//! (R-IMPORT-01). Each test runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use calamine::Reader;
use gradsign_engine::*;

fn rows_of(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let mut wb =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    calamine::Data::String(s) => s.clone(),
                    calamine::Data::Float(f) => f.to_string(),
                    calamine::Data::Int(i) => i.to_string(),
                    calamine::Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn value<'a>(rows: &'a [Vec<String>], label: &str) -> &'a str {
    &rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label:?}: {rows:?}"))[1]
}

/// The table under the header row that starts with `first`.
fn table<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [Vec<String>] {
    let h = rows.iter().position(|r| r[0] == first).unwrap();
    &rows[h + 1..]
}

fn upload(name: &str) -> Upload {
    Upload::Bytes {
        name: name.into(),
        bytes: gradsign_engine::demo::BLANK_PNG.to_vec(),
    }
}

fn paper() -> PaperInput {
    PaperInput {
        employer: employer_details(9),
        terms: terms(),
    }
}

async fn r_stat_02_statistics_export_has_filter_formula_and_every_group(w: World) {
    w.confirm(1).await;
    w.signed(1).await;
    let bytes = w
        .engine
        .export_statistics(&w.admin, 2026, w.t0 + 300)
        .await
        .unwrap();
    let stats = w.engine.statistics(&w.admin, 2026).await.unwrap();
    // The workbook's dates come from `now`, not the clock: the same export twice is the same file.
    let again = w
        .engine
        .export_statistics(&w.admin, 2026, w.t0 + 300)
        .await
        .unwrap();
    assert_eq!(bytes, again);
    let o = rows_of(&bytes, "概览");
    assert_eq!(value(&o, "届别 (cohort)"), "2026");
    assert_eq!(value(&o, "范围 (scope)"), "全校 (whole school)");
    assert_eq!(value(&o, "导出时间 (exported)"), "2026-03-02 10:05");
    assert_eq!(value(&o, "计算公式 (formula)"), stats.formula_zh);
    assert_eq!(value(&o, "毕业生人数 (graduates)"), "6");
    assert_eq!(value(&o, "已落实 (placed)"), "1");
    assert_eq!(value(&o, "落实率 (placement rate)"), "0.1667");
    let shares = table(&o, "去向代码占比 (share of code)");
    let codes: Vec<&str> = shares
        .iter()
        .map(|r| r[0].split(' ').next().unwrap())
        .collect();
    assert_eq!(codes, ["12", "75", "76"]);
    let c = rows_of(&bytes, "去向代码与状态");
    let body = table(&c, "去向代码 (code)");
    assert_eq!(body.len(), stats.by_code_and_state.len());
    let signed = body
        .iter()
        .find(|r| r[0] == "10" && r[2] == "已签约（生效）")
        .unwrap();
    assert_eq!(signed[3], "1");
    let d = rows_of(&bytes, "院系");
    let deps = table(&d, "院系 (department)");
    assert_eq!(deps.len(), 2);
    let cs = deps.iter().find(|r| r[0] == "计算机学院").unwrap();
    assert_eq!(
        (cs[1].as_str(), cs[2].as_str(), cs[3].as_str()),
        ("4", "1", "0.25")
    );
    // A department reviewer's export is their department, and says so at the top.
    let mine = w
        .engine
        .export_statistics(&w.dep_rev_b, 2026, w.t0)
        .await
        .unwrap();
    let o = rows_of(&mine, "概览");
    assert_eq!(value(&o, "院系 (department)"), "经济管理学院");
    assert_eq!(value(&o, "毕业生人数 (graduates)"), "2");
    assert_eq!(value(&o, "已落实 (placed)"), "0");
    // An unknown cohort is refused, not exported as zeros; a graduate may not export at all.
    let e = w
        .engine
        .export_statistics(&w.admin, 2030, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "cohort");
    assert!(e.message.zh.contains("2030届不存在"));
    let e = w
        .engine
        .export_statistics(w.g(1), 2026, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

async fn r_stat_02_queue_and_graduate_lists_export_with_their_filter(w: World) {
    for n in [1, 2, 5] {
        w.confirm(n).await;
        let id = w.invite(0, n, w.t0).await.unwrap();
        w.engine
            .accept_invitation(w.g(n), id, w.t0 + 60)
            .await
            .unwrap();
    }
    let q = QueueQuery {
        kind: Some(ItemKind::Signing),
        awaiting_me: true,
        limit: 1,
        ..QueueQuery::default()
    };
    // Department A's reviewer: two items, read across pages (limit 1), ID numbers masked.
    let bytes = w.engine.export_queue(&w.dep_rev_a, &q, w.t0).await.unwrap();
    let rows = rows_of(&bytes, "审核列表");
    assert_eq!(value(&rows, "类别 (kind)"), "网上签约");
    assert_eq!(value(&rows, "仅待我审核 (awaiting me)"), "是");
    assert_eq!(value(&rows, "院系 (department)"), "计算机学院");
    assert_eq!(value(&rows, "行数 (rows)"), "2");
    let body = table(&rows, "编号 (id)");
    assert_eq!(body.len(), 2);
    let g1 = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    let first = body.iter().find(|r| r[4] == g1.student_number).unwrap();
    assert_eq!(first[5], types::mask_id(&g1.id_number));
    assert_ne!(first[5], g1.id_number);
    assert!(body
        .iter()
        .all(|r| r[6] == "计算机学院" && r[2] == "审核中"));

    // The graduates list: the admin's copy has full ID numbers, the reviewer's is masked.
    let gq = GraduateQuery {
        cohort: 2026,
        ..GraduateQuery::default()
    };
    let all = rows_of(
        &w.engine
            .export_graduates(&w.admin, &gq, w.t0)
            .await
            .unwrap(),
        "毕业生",
    );
    assert_eq!(value(&all, "行数 (rows)"), "6");
    let body = table(&all, "学号");
    assert_eq!(body.len(), 6);
    assert!(body.iter().any(|r| r[3] == g1.id_number));
    let b = rows_of(
        &w.engine
            .export_graduates(&w.dep_rev_b, &gq, w.t0)
            .await
            .unwrap(),
        "毕业生",
    );
    let body = table(&b, "学号");
    assert_eq!(body.len(), 2);
    assert!(body
        .iter()
        .all(|r| r[6] == "经济管理学院" && r[3].contains("********")));
    // A filter narrows the list and is written at the top.
    let one = GraduateQuery {
        cohort: 2026,
        text: Some(g1.student_number.clone()),
        ..GraduateQuery::default()
    };
    let f = rows_of(
        &w.engine
            .export_graduates(&w.admin, &one, w.t0)
            .await
            .unwrap(),
        "毕业生",
    );
    assert_eq!(value(&f, "查找 (search)"), g1.student_number);
    assert_eq!(table(&f, "学号").len(), 1);
}

async fn r_dep_01_rename_keeps_graduates_and_refuses_a_taken_name(w: World) {
    let before = w.history_len().await;
    let d = w
        .engine
        .rename_department(&w.admin, w.dep_a, "计算机与人工智能学院", w.t0)
        .await
        .unwrap();
    assert_eq!(d.name, "计算机与人工智能学院");
    assert_eq!(w.history_len().await, before + 1);
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    assert_eq!(g.department, "计算机与人工智能学院");
    let digest = w.digest().await;
    let e = w
        .engine
        .rename_department(&w.admin, w.dep_a, "经济管理学院", w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "department");
    assert_eq!(
        w.engine
            .rename_department(&w.admin, w.dep_a, "  ", w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    assert_eq!(
        w.engine
            .rename_department(&w.school_rev, w.dep_a, "新学院", w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(w.digest().await, digest, "refusals change nothing");
}

async fn r_dep_01_merge_moves_graduates_items_and_reviewers(w: World) {
    w.confirm(5).await;
    let item = w.invite(0, 5, w.t0).await.unwrap();
    let reviewer = w
        .engine
        .create_staff_account(
            &w.admin,
            &NewStaff {
                login: "econ-reviewer".into(),
                password: "reviewer2026".into(),
                display_name: "李老师".into(),
                role: Role::DepartmentReviewer,
                department_id: Some(w.dep_b),
            },
            w.t0,
        )
        .await
        .unwrap();
    let digest = w.digest().await;
    for (from, into) in [(w.dep_b, w.dep_b), (w.dep_b, 999), (999, w.dep_a)] {
        let e = w
            .engine
            .merge_departments(&w.admin, from, into, w.t0)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{from} → {into}");
    }
    assert_eq!(w.digest().await, digest);
    let r = w
        .engine
        .merge_departments(&w.admin, w.dep_b, w.dep_a, w.t0)
        .await
        .unwrap();
    // Department B's reviewers: the World's (reviewer-b) and the one made here.
    assert_eq!(
        r,
        MergeReport {
            graduates: 2,
            items: 1,
            accounts: 2
        }
    );
    let deps = w.engine.departments(&w.admin).await.unwrap();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0].id, w.dep_a);
    // No graduate lost: all six are still listed, now in one department.
    let list = w
        .engine
        .list_graduates(
            &w.admin,
            &GraduateQuery {
                cohort: 2026,
                department_id: Some(w.dep_a),
                ..GraduateQuery::default()
            },
            100,
        )
        .await
        .unwrap();
    assert_eq!(list.len(), 6);
    // The merged department's reviewer now reviews in the surviving one and sees the item.
    let session = w
        .engine
        .sign_in("econ-reviewer", "reviewer2026", w.t0)
        .await
        .unwrap();
    assert_eq!(session.account.department_id, Some(w.dep_a));
    assert_eq!(reviewer.id, session.account.id);
    let d = w
        .engine
        .item_detail(&session.account.actor(), item, w.t0)
        .await
        .unwrap();
    assert_eq!(d.item.department, "计算机学院");
    // The last department cannot be merged away.
    assert!(w
        .engine
        .merge_departments(&w.admin, w.dep_a, w.dep_b, w.t0)
        .await
        .is_err());
}

async fn r_acc_01_disabled_accounts_and_employers_cannot_act(w: World) {
    let staff = w
        .engine
        .create_staff_account(
            &w.admin,
            &NewStaff {
                login: "school-reviewer-2".into(),
                password: "reviewer2026".into(),
                display_name: "赵老师".into(),
                role: Role::SchoolReviewer,
                department_id: None,
            },
            w.t0,
        )
        .await
        .unwrap();
    let s = w
        .engine
        .sign_in("school-reviewer-2", "reviewer2026", w.t0)
        .await
        .unwrap();
    w.engine
        .set_account_disabled(&w.admin, staff.id, true, w.t0)
        .await
        .unwrap();
    assert_eq!(
        w.engine
            .authenticate(&s.token, w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Unauthenticated,
        "the disabled account's session ended"
    );
    assert_eq!(
        w.engine
            .sign_in("school-reviewer-2", "reviewer2026", w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let listed = w.engine.accounts(&w.admin).await.unwrap();
    assert!(listed.iter().any(|a| a.id == staff.id && a.disabled));
    // Twice is a state error; the admin cannot disable their own account.
    assert_eq!(
        w.engine
            .set_account_disabled(&w.admin, staff.id, true, w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidState
    );
    let e = w
        .engine
        .set_account_disabled(&w.admin, w.admin.account_id.unwrap(), true, w.t0)
        .await
        .unwrap_err();
    assert_eq!(e.details["field"], "account_id");
    w.engine
        .set_account_disabled(&w.admin, staff.id, false, w.t0)
        .await
        .unwrap();
    assert!(w
        .engine
        .sign_in("school-reviewer-2", "reviewer2026", w.t0)
        .await
        .is_ok());

    // A disabled employer cannot invite; enabled again, it can.
    w.confirm(1).await;
    let employer = w.employers[0].employer_id.unwrap();
    w.engine
        .set_employer_disabled(&w.admin, employer, true, w.t0)
        .await
        .unwrap();
    let listed = w.engine.employers(&w.admin).await.unwrap();
    let e = listed.iter().find(|e| e.id == employer).unwrap();
    assert!(e.disabled && e.approved && e.staff == 1);
    assert!(w.invite(0, 1, w.t0).await.is_err());
    w.engine
        .set_employer_disabled(&w.admin, employer, false, w.t0)
        .await
        .unwrap();
    assert!(w.invite(0, 1, w.t0).await.is_ok());
    assert_eq!(
        w.engine.employers(&w.school_rev).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
}

async fn r_scan_03_originals_kept_only_when_the_school_asks(w: World) {
    w.confirm(1).await;
    w.confirm(2).await;
    assert!(!w.engine.keep_original_scans(&w.admin).await.unwrap());
    let off = w
        .engine
        .create_paper(w.g(1), &paper(), &[upload("page1.png")], w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(&w.admin, off, w.t0).await.unwrap();
    let scan = &d.item.payload["scans"][0];
    assert!(scan.get("original").is_none(), "{scan}");
    let original_hash = snapshot_hash(gradsign_engine::demo::BLANK_PNG);
    assert!(stored_file(&w.engine, &original_hash).await.is_none());

    w.engine
        .set_keep_original_scans(&w.admin, true, w.t0)
        .await
        .unwrap();
    assert!(w.engine.keep_original_scans(&w.admin).await.unwrap());
    let on = w
        .engine
        .create_paper(w.g(2), &paper(), &[upload("page1.png")], w.t0)
        .await
        .unwrap();
    let d = w.engine.item_detail(&w.admin, on, w.t0).await.unwrap();
    let scan = &d.item.payload["scans"][0];
    assert_eq!(scan["original"], original_hash.as_str());
    assert_ne!(
        scan["hash"],
        original_hash.as_str(),
        "the compressed copy is another file"
    );
    assert_eq!(
        stored_file(&w.engine, &original_hash).await.unwrap(),
        gradsign_engine::demo::BLANK_PNG,
        "the original bytes, unchanged"
    );
    // Only the admin changes the setting.
    assert_eq!(
        w.engine
            .set_keep_original_scans(&w.school_rev, false, w.t0)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
}

fn snapshot_hash(bytes: &[u8]) -> String {
    gradsign_engine::snapshot::sha256_hex(bytes)
}

async fn r_dest_05_fix_preview_lists_withdrawn_invitations_and_changes_nothing(w: World) {
    w.confirm(1).await;
    let pending = w.invite(0, 1, w.t0).await.unwrap();
    let digest = w.digest().await;
    let fix = GraduateFix {
        training_mode: Some("定向".into()),
        directed_unit: Some("某定向单位".into()),
        ..GraduateFix::default()
    };
    let p = w
        .engine
        .preview_fix(&w.admin, w.gid(1), &fix)
        .await
        .unwrap();
    assert!(p.becomes_directed);
    assert_eq!(p.changes["training_mode"], ("非定向".into(), "定向".into()));
    assert_eq!(p.withdrawn_invitations.len(), 1);
    assert_eq!(p.withdrawn_invitations[0].id, pending);
    assert!(p.withdrawn_invitations[0]
        .employer_name
        .as_deref()
        .unwrap()
        .starts_with("北京测试科技有限公司"));
    assert!(p.effective_kept.is_empty());
    assert_eq!(w.digest().await, digest, "a preview writes nothing");
    // Saving does what the preview said.
    let g = w.engine.graduate(&w.admin, w.gid(1)).await.unwrap();
    w.engine
        .fix_graduate(&w.admin, w.gid(1), g.version, &fix, w.t0)
        .await
        .unwrap();
    assert_eq!(w.state(pending).await, "withdrawn");
    // A change that keeps the mode has no consequences listed.
    let p = w
        .engine
        .preview_fix(
            &w.admin,
            w.gid(2),
            &GraduateFix {
                phone: Some("13900000000".into()),
                ..GraduateFix::default()
            },
        )
        .await
        .unwrap();
    assert!(!p.becomes_directed && p.withdrawn_invitations.is_empty());
    assert_eq!(p.changes.len(), 1);
}

async fn r_import_01_xlsx_bytes_with_one_bad_row_name_the_row(w: World) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in IMPORT_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, n) in [(1u32, 11u32), (2, 12), (3, 13)] {
        let mut cells = import_cells(n, "计算机学院", "非定向");
        if n == 12 {
            // The right ID number with its check character changed.
            let last = if cells[3].ends_with('0') { '1' } else { '0' };
            cells[3] = format!("{}{last}", &cells[3][..17]);
        }
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16, v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let f = read_import("毕业生.xlsx", &bytes).unwrap();
    assert_eq!(f.rows.len(), 3);
    let problems = w
        .engine
        .check_import(&w.admin, 2026, &f.header, &f.rows)
        .await
        .unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 3);
    assert_eq!(problems[0].field, "身份证号");
    let digest = w.digest().await;
    assert!(w
        .engine
        .import_graduates(&w.admin, 2026, &f.header, &f.rows, w.t0)
        .await
        .is_err());
    assert_eq!(w.digest().await, digest, "all rows or none");
}

on_both_backends!(
    r_stat_02_statistics_export_has_filter_formula_and_every_group,
    r_stat_02_queue_and_graduate_lists_export_with_their_filter,
    r_dep_01_rename_keeps_graduates_and_refuses_a_taken_name,
    r_dep_01_merge_moves_graduates_items_and_reviewers,
    r_acc_01_disabled_accounts_and_employers_cannot_act,
    r_scan_03_originals_kept_only_when_the_school_asks,
    r_dest_05_fix_preview_lists_withdrawn_invitations_and_changes_nothing,
    r_import_01_xlsx_bytes_with_one_bad_row_name_the_row,
);
