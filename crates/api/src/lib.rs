//! GradSign's operation catalog: every operation the UI uses, declared once with its request and
//! response types and who may call it, over one async function on the engine. The desktop serves
//! it through Tauri IPC, the school server over HTTP, the CLI where it does the same thing; the
//! TypeScript bindings (`bindings`) are generated from these same types.
//!
//! Lower crates never depend on this one. Operations hold no rules: the engine decides every
//! permission; an operation parses its request, calls the engine and maps the answer.

pub mod admin;
pub mod agreement;
pub mod app;
pub mod bindings;
pub mod catalog;
pub mod employer;
pub mod error;
pub mod graduate;
pub mod messages;
pub mod openapi;
pub mod review;
pub mod school;
pub mod session;
pub mod stats;
pub mod termination;

pub use catalog::{Access, Bytes, Caller, Cx, Encoding, OperationInfo, Reply};
pub use error::{CommandError, CommandResult, ErrorCode, Text};

use catalog::catalog;

catalog! {
    // The app and the school's first start (anonymous: before any account exists; the engine
    // refuses a set-up or demo unless the database is empty).
    anonymous json app_status(()) -> app::AppStatus = app::status;
    anonymous json school_demo_create(()) -> Vec<gradsign_engine::demo::DemoAccount> = school::demo_create;
    anonymous json school_setup(school::SchoolSetupInput) -> () = school::setup;
    // Sessions: the desktop keeps the token in its keychain (session_sign_in/resume/sign_out).
    anonymous json session_open(session::SignInRequest) -> session::SessionOpened = session::sign_in;
    signed_in json session_user(()) -> session::SessionUser = session::user;
    anonymous json session_close(()) -> () = session::close;
    // A graduate's first sign-in (R-INFO-03) and everyone's password change (R-AUTH-06): both
    // answer a new session (the desktop keeps it: session_activate, session_change_password).
    anonymous json account_activate(session::ActivateRequest) -> session::SessionOpened = session::activate;
    signed_in json account_change_password(session::ChangePasswordRequest) -> session::SessionOpened = session::change_password;
    // The graduate (R-INFO, R-MOD, R-SIGN, R-OFF, R-PAPER, R-DEST).
    signed_in json graduate_portal(graduate::PortalRequest) -> graduate::PortalView = graduate::portal;
    signed_in json graduate_confirm_info(()) -> graduate::GraduateInfo = graduate::confirm_info;
    signed_in json graduate_update_contact(graduate::ContactRequest) -> graduate::GraduateInfo = graduate::update_contact;
    signed_in json graduate_items(graduate::ItemsRequest) -> Vec<graduate::ItemSummary> = graduate::items;
    signed_in json graduate_item(graduate::ItemRef) -> graduate::ItemDetailView = graduate::item;
    signed_in json graduate_accept_invitation(graduate::ItemRef) -> () = graduate::accept_invitation;
    signed_in json graduate_reject_invitation(graduate::ItemRef) -> () = graduate::reject_invitation;
    signed_in json graduate_request_offline_termination(graduate::OfflineTerminationRequest) -> i64 = graduate::request_offline_termination;
    signed_in json graduate_edit_offline_termination(graduate::OfflineTerminationEdit) -> () = graduate::edit_offline_termination;
    signed_in json graduate_create_paper(graduate::PaperCreate) -> i64 = graduate::create_paper;
    signed_in json graduate_edit_paper(graduate::PaperEdit) -> () = graduate::edit_paper;
    signed_in json graduate_create_destination(graduate::DestinationCreate) -> i64 = graduate::create_destination;
    signed_in json graduate_edit_destination(graduate::DestinationEdit) -> () = graduate::edit_destination;
    signed_in json graduate_submit_registration(graduate::ItemRef) -> () = graduate::submit_registration;
    signed_in json graduate_withdraw_registration(graduate::ItemRef) -> () = graduate::withdraw_registration;
    signed_in json graduate_void_destination(graduate::ItemRef) -> () = graduate::void_destination;
    // Offline signing 申请就业协议线下签约 (R-OFFSIGN); both reviews go through review_decide,
    // the print copy through agreement_pdf.
    signed_in json graduate_apply_offline_signing(graduate::OfflineSigningApply) -> i64 = graduate::apply_offline_signing;
    signed_in json graduate_edit_offline_signing(graduate::OfflineSigningEdit) -> () = graduate::edit_offline_signing;
    signed_in json graduate_submit_offline_signing(graduate::ItemRef) -> () = graduate::submit_offline_signing;
    signed_in json graduate_withdraw_offline_signing(graduate::ItemRef) -> () = graduate::withdraw_offline_signing;
    signed_in json graduate_cancel_offline_signing(graduate::ItemRef) -> () = graduate::cancel_offline_signing;
    signed_in json graduate_upload_stamped_pages(graduate::StampedPagesUpload) -> () = graduate::upload_stamped_pages;
    anonymous json graduate_reference(()) -> graduate::ReferenceData = graduate::reference;
    // R-PIPL-01: the graduate's personal data archive (ZIP).
    signed_in bytes graduate_data_export(()) -> crate::Bytes = graduate::data_export;
    // In-app messages of whoever is signed in (R-NOTE-01).
    signed_in json messages_list(()) -> Vec<gradsign_engine::Message> = messages::list;
    signed_in json messages_mark_read(graduate::ItemRef) -> () = messages::mark_read;
    signed_in json messages_state(()) -> gradsign_engine::MessageState = messages::state;
    // The electronic agreement's PDF (R-PDF, R-SIGN-07) and the public verify screen
    // (R-VERIFY-01); the desktop saves the PDF through its dialog (agreement_save_pdf).
    signed_in bytes agreement_pdf(graduate::ItemRef) -> crate::Bytes = agreement::pdf;
    anonymous json verify_agreement(agreement::VerifyRequest) -> gradsign_engine::VerifyResult = agreement::verify;
    anonymous json verify_read_qr(agreement::QrImage) -> agreement::QrRead = agreement::read_qr;
    // Online termination for both parties (R-TERM); the engine decides who may act.
    signed_in json termination_request(termination::TerminationRequest) -> i64 = termination::request;
    signed_in json termination_answer(termination::TerminationAnswer) -> () = termination::answer;
    signed_in json termination_cancel(graduate::ItemRef) -> () = termination::cancel;
    // The employer's workspace (issue 5): sign-up (anonymous, opened once the school approves),
    // profile, licence, staff, invitations (R-SIGN-01, R-AGR-01).
    anonymous json employer_sign_up(employer::EmployerSignUpInput) -> () = employer::sign_up;
    signed_in json employer_profile(()) -> employer::EmployerProfileView = employer::profile;
    signed_in json employer_update_profile(graduate::EmployerInput) -> employer::EmployerProfileView = employer::update_profile;
    signed_in json employer_replace_licence(graduate::UploadInput) -> employer::EmployerProfileView = employer::replace_licence;
    signed_in bytes employer_licence(()) -> crate::Bytes = employer::licence;
    signed_in json employer_add_staff(employer::StaffInput) -> gradsign_engine::EmployerStaff = employer::add_staff;
    signed_in json employer_invite(employer::InviteForm) -> i64 = employer::invite;
    signed_in json employer_items(()) -> Vec<review::WorkItem> = employer::items;
    signed_in json employer_withdraw_invitation(graduate::ItemRef) -> () = employer::withdraw_invitation;
    // The reviewers' workspace (R-REV, R-DEST-03), whose item view and lists serve the employer
    // too; the desktop saves the printout through its dialog (review_print_agreements).
    signed_in json review_queue(review::QueueFilter) -> gradsign_engine::QueuePage = review::queue;
    signed_in json review_item(graduate::ItemRef) -> review::WorkItemDetail = review::item;
    signed_in json review_decide(review::DecideRequest) -> () = review::decide;
    signed_in json review_edit_destination(review::ReviewDestinationEdit) -> () = review::edit_destination;
    signed_in bytes review_item_file(review::ItemFileRef) -> crate::Bytes = review::item_file;
    signed_in json workspace_reference(()) -> review::WorkspaceReference = review::workspace_reference;
    signed_in json reason_templates_set(review::ReasonTemplatesRequest) -> Vec<String> = review::set_reason_templates;
    signed_in bytes review_agreements_pdf(review::QueueFilter) -> crate::Bytes = review::agreements_pdf;
    signed_in json review_agreements_count(review::QueueFilter) -> u32 = review::agreements_count;
    // The school admin's workspace (issue 5): import (R-IMPORT-01), graduates (R-DEST-05),
    // departments (R-DEP-01), cohorts (R-MOD-01, R-CHANGE-01), settings (R-SCAN-03, R-NOTE-02),
    // accounts and employers (R-ACC-01, R-AUTH-03), the outbox (R-NOTE-02).
    signed_in json admin_import_check(admin::ImportFileInput) -> admin::ImportPreview = admin::import_check;
    signed_in json admin_import(admin::ImportFileInput) -> gradsign_engine::ImportReport = admin::import;
    signed_in json admin_graduates(admin::GraduateFilter) -> Vec<admin::GraduateRow> = admin::graduates;
    signed_in json admin_fix_preview(admin::FixPreviewRequest) -> gradsign_engine::FixPreview = admin::fix_preview;
    signed_in json admin_fix_graduate(admin::FixRequest) -> admin::GraduateRow = admin::fix_graduate;
    // R-MOD-04: the same person across cohorts, where the names differ.
    signed_in json admin_person_links(()) -> Vec<gradsign_engine::PersonLinkCandidate> = admin::person_links;
    signed_in json admin_person_link_set(admin::PersonLinkSet) -> () = admin::person_link_set;
    signed_in json admin_departments(()) -> Vec<gradsign_engine::Department> = admin::departments;
    signed_in json admin_department_add(admin::DepartmentAdd) -> gradsign_engine::Department = admin::department_add;
    signed_in json admin_department_rename(admin::DepartmentRename) -> gradsign_engine::Department = admin::department_rename;
    signed_in json admin_department_merge(admin::DepartmentMerge) -> gradsign_engine::MergeReport = admin::department_merge;
    signed_in json admin_cohorts(()) -> Vec<admin::CohortView> = admin::cohorts;
    signed_in json admin_cohort_configure(admin::CohortInput) -> admin::CohortView = admin::cohort_configure;
    signed_in json admin_cohort_set_module(admin::ModuleSwitch) -> admin::CohortView = admin::cohort_set_module;
    signed_in json admin_settings(()) -> admin::SettingsView = admin::settings;
    signed_in json admin_keep_originals_set(admin::KeepOriginals) -> () = admin::keep_originals_set;
    signed_in json admin_gateway_set(admin::GatewayInput) -> () = admin::gateway_set;
    signed_in json admin_outbox_deliver(()) -> gradsign_engine::outbox::DeliveryReport = admin::outbox_deliver;
    signed_in json admin_accounts(()) -> Vec<admin::AccountRow> = admin::accounts;
    signed_in json admin_account_create(admin::StaffAccountInput) -> admin::AccountRow = admin::account_create;
    signed_in json admin_account_set_disabled(admin::DisabledSwitch) -> () = admin::account_set_disabled;
    signed_in json admin_password_reset(admin::PasswordReset) -> () = admin::password_reset;
    signed_in json admin_employers(()) -> Vec<gradsign_engine::EmployerView> = admin::employers;
    signed_in json admin_employer_approve(admin::EmployerApproval) -> () = admin::employer_approve;
    signed_in json admin_employer_set_disabled(admin::DisabledSwitch) -> () = admin::employer_set_disabled;
    signed_in json admin_outbox(()) -> Vec<gradsign_engine::outbox::OutboxMessage> = admin::outbox;
    signed_in json admin_outbox_retry(admin::OutboxRef) -> () = admin::outbox_retry;
    // Statistics and their workbooks (R-STAT-01, R-STAT-02); the desktop saves a workbook where
    // the user chose (stats_export, export_graduates, export_queue).
    signed_in json stats_get(stats::StatsRequest) -> stats::StatisticsView = stats::get;
    signed_in json stats_cohorts(()) -> Vec<i64> = stats::cohorts;
    signed_in bytes stats_workbook(stats::StatsRequest) -> crate::Bytes = stats::workbook;
    signed_in bytes graduates_workbook(admin::GraduateFilter) -> crate::Bytes = stats::graduates_workbook;
    signed_in bytes queue_workbook(review::QueueFilter) -> crate::Bytes = stats::queue_workbook;
}
