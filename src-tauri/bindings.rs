//! TypeScript types generated from the Rust types the commands take and return, written to
//! ui/src/bindings/ and committed. The test `bindings_are_fresh` regenerates them into a temporary
//! folder and fails when the committed ones differ; `UPDATE_BINDINGS=1 cargo test -p
//! gradsign-desktop --lib bindings` rewrites them.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::commands::{admin, stats};
use crate::commands::{agreement, app, graduate, messages, school, session};
use crate::commands::{employer, review};
use crate::error;
use crate::{commands::about, update};

/// Writes every binding into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_out_dir(dir);
    error::CommandError::export_all(&cfg)?;
    error::ErrorCode::export_all(&cfg)?;
    error::Text::export_all(&cfg)?;
    app::AppStatus::export_all(&cfg)?;
    about::AboutInfo::export_all(&cfg)?;
    update::UpdateInfo::export_all(&cfg)?;
    update::UpdateOutcome::export_all(&cfg)?;
    update::UpdateProgress::export_all(&cfg)?;
    school::SchoolSetupInput::export_all(&cfg)?;
    school::DemoAccountView::export_all(&cfg)?;
    session::SignInInput::export_all(&cfg)?;
    session::SignInOutcome::export_all(&cfg)?;
    graduate::PortalView::export_all(&cfg)?;
    graduate::ItemDetailView::export_all(&cfg)?;
    graduate::ItemSummary::export_all(&cfg)?;
    graduate::GraduateInfo::export_all(&cfg)?;
    graduate::UploadInput::export_all(&cfg)?;
    graduate::PaperForm::export_all(&cfg)?;
    graduate::DestinationForm::export_all(&cfg)?;
    graduate::ReferenceData::export_all(&cfg)?;
    messages::MessageView::export_all(&cfg)?;
    agreement::VerifyView::export_all(&cfg)?;
    agreement::QrRead::export_all(&cfg)?;
    employer::EmployerSignUpInput::export_all(&cfg)?;
    employer::EmployerProfileView::export_all(&cfg)?;
    employer::StaffInput::export_all(&cfg)?;
    employer::InviteForm::export_all(&cfg)?;
    review::WorkItem::export_all(&cfg)?;
    review::WorkItemDetail::export_all(&cfg)?;
    review::QueueFilter::export_all(&cfg)?;
    review::QueuePageView::export_all(&cfg)?;
    review::DecisionInput::export_all(&cfg)?;
    review::WorkspaceReference::export_all(&cfg)?;
    review::PrintOutcome::export_all(&cfg)?;
    admin::ImportFileInput::export_all(&cfg)?;
    admin::ImportProblemView::export_all(&cfg)?;
    admin::ImportPreview::export_all(&cfg)?;
    admin::ImportOutcome::export_all(&cfg)?;
    admin::GraduateRow::export_all(&cfg)?;
    admin::GraduateFilter::export_all(&cfg)?;
    admin::GraduateFixInput::export_all(&cfg)?;
    admin::AffectedItemView::export_all(&cfg)?;
    admin::FixPreviewView::export_all(&cfg)?;
    admin::DepartmentView::export_all(&cfg)?;
    admin::MergeOutcome::export_all(&cfg)?;
    admin::CohortView::export_all(&cfg)?;
    admin::CohortInput::export_all(&cfg)?;
    admin::AccountRow::export_all(&cfg)?;
    admin::StaffAccountInput::export_all(&cfg)?;
    admin::EmployerRow::export_all(&cfg)?;
    admin::SettingsView::export_all(&cfg)?;
    admin::GatewayInput::export_all(&cfg)?;
    admin::OutboxRow::export_all(&cfg)?;
    admin::DeliveryOutcome::export_all(&cfg)?;
    stats::PlacementView::export_all(&cfg)?;
    stats::CodeStateCount::export_all(&cfg)?;
    stats::CodeShare::export_all(&cfg)?;
    stats::StatisticsView::export_all(&cfg)?;
    stats::ExportOutcome::export_all(&cfg)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn read_dir(dir: &std::path::Path) -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|x| x == "ts"))
                    .map(|p| {
                        let name = p.file_name().unwrap().to_string_lossy().into_owned();
                        (name, std::fs::read_to_string(&p).unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn bindings_are_fresh() {
        let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
        let fresh = tempfile::tempdir().unwrap();
        super::export_all(fresh.path()).unwrap();
        let generated = read_dir(fresh.path());
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            for name in read_dir(&committed).keys() {
                std::fs::remove_file(committed.join(name)).unwrap();
            }
            std::fs::create_dir_all(&committed).unwrap();
            for (name, text) in &generated {
                std::fs::write(committed.join(name), text).unwrap();
            }
        }
        assert_eq!(
            read_dir(&committed),
            generated,
            "ui/src/bindings is stale: run `UPDATE_BINDINGS=1 cargo test -p gradsign-desktop --lib bindings` and commit"
        );
    }
}
