//! `gradsign`: the command line for school IT. The database is `--db` (a SQLite path or a
//! `postgres://` URL) or GRADSIGN_DATABASE_URL; uploaded files live in the database (R-UPLOAD-02),
//! and `--files` names the folder an earlier version kept them in (default: a `files` folder
//! beside a SQLite database), copied in at the first open. Every command prints what it did and
//! exits non-zero with the reason when something is refused.

mod backup;
mod export;
mod import;
mod serve;

use clap::{Parser, Subcommand};
use gradsign_api::Caller;
use gradsign_engine::{Actor, Engine};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "gradsign",
    version,
    about = "GradSign: graduate destination registration and online signing — command line for school IT"
)]
struct Cli {
    /// SQLite file path or postgres:// URL.
    #[arg(long, global = true, env = "GRADSIGN_DATABASE_URL")]
    db: Option<String>,
    /// Folder an earlier version kept uploaded files in, copied into the database at the first
    /// open (default: `files` beside the SQLite database).
    #[arg(long, global = true, env = "GRADSIGN_FILES_DIR")]
    files: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sets up a real school on an empty database; the admin's password is read from standard input.
    Init {
        #[arg(long)]
        school_name: String,
        #[arg(long)]
        school_code: String,
        /// The employment office's contact shown to graduates.
        #[arg(long, default_value = "学校就业指导中心")]
        contact: String,
        /// A department (repeat for each).
        #[arg(long = "department", required = true)]
        departments: Vec<String>,
        #[arg(long)]
        admin: String,
        #[arg(long, default_value = "管理员")]
        admin_name: String,
    },
    /// Turns an empty database into the demo school and prints its accounts.
    Demo,
    /// Imports data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Creates or updates a cohort (review chain, invitation limit) and opens or closes its module.
    Cohort {
        #[arg(long)]
        year: i64,
        /// department, school or both.
        #[arg(long, default_value = "both")]
        chain: String,
        #[arg(long, default_value_t = 15)]
        invite_limit_days: i64,
        /// Open the module (毕业去向登记与网签) for graduates.
        #[arg(long)]
        open: bool,
    },
    /// Verifies the history chain and the invariants; prints the head hash last.
    Check {
        /// A head hash printed by an earlier run: detects a cut-off or rewritten tail.
        #[arg(long)]
        expect_head: Option<String>,
    },
    /// Expires invitations past their deadline and sends the 24-hour reminders.
    Sweep,
    /// The electronic agreement PDF.
    Agreement {
        #[command(subcommand)]
        what: AgreementWhat,
    },
    /// Uploaded scans.
    Scan {
        #[command(subcommand)]
        what: ScanWhat,
    },
    /// Writes a whole copy of the database (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Replaces the database with a backup written by `gradsign backup`.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing SQLite database (it is copied to <db>.before-restore first).
        #[arg(long)]
        force: bool,
    },
    /// Excel exports (R-STAT-02).
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Serves the operation catalog over HTTPS for the school's desktops (README: the school
    /// server), with the deadline sweep and the outbox running inside.
    Serve(serve::ServeArgs),
    /// The SMS/WeChat outbox.
    Outbox {
        #[command(subcommand)]
        what: OutboxWhat,
    },
}

#[derive(Subcommand, Debug)]
enum ImportWhat {
    /// Graduates' basic info from .csv (UTF-8 or GB18030) or .xlsx: all rows or none.
    Graduates {
        file: PathBuf,
        #[arg(long)]
        cohort: i64,
        /// The admin account the import is recorded under (default: the first admin).
        #[arg(long)]
        admin: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum AgreementWhat {
    /// Renders an agreement: the built-in sample (--sample) or one of the database by number
    /// (--number: a signed agreement, or an offline one as issued to print).
    Render {
        #[arg(long, conflicts_with = "number")]
        sample: bool,
        /// With --sample: the print copy of an offline signing (R-OFFSIGN-03), marked 待单位盖章回传
        /// on every page, with the stamp box.
        #[arg(long, requires = "sample")]
        print_copy: bool,
        #[arg(long, required_unless_present = "sample")]
        number: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Checks a photo of a stamped page (R-OFFSIGN-04) against an issued agreement: its PDF
    /// (--against F.pdf) or, with --db, the agreement of --number. Prints `match <number>`,
    /// `other agreement <number>`, `hash differs` or `no qr found`; exits non-zero unless it
    /// matches.
    CheckPage {
        #[arg(long, conflicts_with = "number", required_unless_present = "number")]
        against: Option<PathBuf>,
        #[arg(long)]
        number: Option<String>,
        photo: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum ScanWhat {
    /// Compresses a photo or scan as uploads are (R-SCAN); prints sizes and dimensions.
    Compress { input: PathBuf, output: PathBuf },
}

#[derive(Subcommand, Debug)]
enum ExportWhat {
    /// The statistics of a cohort (R-STAT-01) as .xlsx, the filter written at the top.
    Stats {
        #[arg(long)]
        cohort: i64,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum OutboxWhat {
    /// Sends due messages through the configured gateway.
    Send,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn files_dir(db: &str, files: Option<PathBuf>) -> PathBuf {
    if let Some(f) = files {
        return f;
    }
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return PathBuf::from("gradsign-files");
    }
    let p = PathBuf::from(db.trim_start_matches("sqlite://"));
    p.parent()
        .map(|d| d.join("files"))
        .unwrap_or_else(|| PathBuf::from("files"))
}

async fn open(cli_db: &Option<String>, files: Option<PathBuf>) -> Result<Engine, String> {
    let db = cli_db
        .clone()
        .ok_or("no database: pass --db PATH|postgres://… or set GRADSIGN_DATABASE_URL")?;
    Engine::open(&db, files_dir(&db, files))
        .await
        .map_err(|e| e.to_string())
}

/// What the command line's anonymous calls are throttled by.
const CLI_CLIENT: &str = "cli";

/// The context of a catalog entry called from the command line, at the time of the call.
fn cx<'a>(engine: &'a Engine, caller: &'a Caller) -> gradsign_api::Cx<'a> {
    gradsign_api::Cx {
        engine,
        now: now(),
        caller,
    }
}

/// A catalog error as the command line prints every engine error: `code: 中文 (English)`.
fn shown(e: gradsign_api::CommandError) -> String {
    let code = serde_json::to_value(e.code)
        .ok()
        .and_then(|c| c.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{code}: {} ({})", e.message.zh, e.message.en)
}

/// The admin account a command acts as (R-AUTH-08): the one named, or the school's first.
async fn admin(engine: &Engine, login: Option<&str>) -> Result<Actor, String> {
    engine
        .school_admin(&Actor::system(), login)
        .await
        .map_err(|_| "no such school admin account (run gradsign init first)".to_string())
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Init {
            school_name,
            school_code,
            contact,
            departments,
            admin,
            admin_name,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the admin password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let engine = open(&cli.db, cli.files).await?;
            let setup = gradsign_api::school::SchoolSetupInput {
                name: school_name,
                code: school_code,
                contact,
                departments,
                admin_login: admin.clone(),
                admin_password: password,
                admin_name,
            };
            let caller = Caller::anonymous(CLI_CLIENT);
            gradsign_api::school::setup(&cx(&engine, &caller), setup)
                .await
                .map_err(shown)?;
            println!("school set up; admin account: {admin}");
        }
        Command::Demo => {
            let engine = open(&cli.db, cli.files).await?;
            let caller = Caller::anonymous(CLI_CLIENT);
            let accounts = gradsign_api::school::demo_create(&cx(&engine, &caller), ())
                .await
                .map_err(shown)?;
            println!(
                "demo school created. Accounts (password for all: {}):",
                gradsign_engine::demo::DEMO_PASSWORD
            );
            for a in accounts {
                println!("  {:<20} {:<16} {}", a.role, a.login, a.note);
            }
            println!("graduates without an account activate with student number + ID number (e.g. 2026000011).");
        }
        Command::Import {
            what:
                ImportWhat::Graduates {
                    file,
                    cohort,
                    admin: login,
                },
        } => {
            let (header, rows) = import::read_rows(&file)?;
            let engine = open(&cli.db, cli.files).await?;
            let actor = admin(&engine, login.as_deref()).await?;
            match engine
                .import_graduates(&actor, cohort, &header, &rows, now())
                .await
            {
                Ok(r) => println!(
                    "imported {}: {} created, {} updated, {} unchanged",
                    file.display(),
                    r.created,
                    r.updated,
                    r.unchanged
                ),
                Err(e) => {
                    if let Some(rows) = e.details.get("rows").and_then(|r| r.as_array()) {
                        for p in rows {
                            eprintln!(
                                "row {}: {}: {} ({})",
                                p["line"],
                                p["field"].as_str().unwrap_or(""),
                                p["reason_zh"].as_str().unwrap_or(""),
                                p["reason_en"].as_str().unwrap_or("")
                            );
                        }
                    }
                    return Err(e.to_string());
                }
            }
        }
        Command::Cohort {
            year,
            chain,
            invite_limit_days,
            open: open_module,
        } => {
            let engine = open(&cli.db, cli.files).await?;
            let actor = admin(&engine, None).await?;
            let caller = Caller::anonymous(CLI_CLIENT);
            let cx = cx(&engine, &caller);
            let input = gradsign_api::admin::CohortInput {
                year,
                chain,
                invite_limit_days,
                changes_until: None,
                agreement_title: None,
            };
            let c = gradsign_api::admin::cohort_configure(&cx, &actor, input)
                .await
                .map_err(shown)?;
            let c = if open_module && !c.module_open {
                let open = gradsign_api::admin::ModuleSwitch { year, open: true };
                gradsign_api::admin::cohort_set_module(&cx, &actor, open)
                    .await
                    .map_err(shown)?
            } else {
                c
            };
            println!(
                "cohort {}: chain {}, invitations up to {} days, module {}",
                c.year,
                c.chain,
                c.invite_limit_days,
                if c.module_open { "open" } else { "closed" }
            );
        }
        Command::Check { expect_head } => {
            let engine = open(&cli.db, cli.files).await?;
            let r = engine
                .check(&Actor::system(), expect_head.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            println!("history entries: {}", r.chain.entries);
            for p in r.chain.problems.iter().chain(r.problems.iter()) {
                println!("BROKEN: {p}");
            }
            let ok = r.ok();
            println!(
                "{}",
                if ok {
                    "all checks passed"
                } else {
                    "CHECK FAILED"
                }
            );
            println!("head: {}", r.chain.head);
            if !ok {
                return Err("integrity check failed".into());
            }
        }
        Command::Backup { out } => {
            let db = cli.db.ok_or("no database: pass --db PATH|postgres://…")?;
            println!("{}", backup::backup(&db, &out).await?);
        }
        Command::Restore { from, force } => {
            let db = cli.db.ok_or("no database: pass --db PATH|postgres://…")?;
            println!("{}", backup::restore(&db, &from, force).await?);
        }
        Command::Serve(args) => {
            let db = cli
                .db
                .ok_or("no database: pass --db postgres://… or set GRADSIGN_DATABASE_URL")?;
            let files = files_dir(&db, cli.files);
            serve::serve(&db, files, args).await?;
        }
        Command::Sweep => {
            let engine = open(&cli.db, cli.files).await?;
            let r = engine
                .sweep(&Actor::system(), now())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "expired {} invitations, sent {} reminders",
                r.expired, r.reminded
            );
        }
        Command::Agreement {
            what:
                AgreementWhat::CheckPage {
                    against,
                    number,
                    photo,
                },
        } => {
            let bytes = std::fs::read(&photo).map_err(|e| format!("{}: {e}", photo.display()))?;
            let (expected, issued_number) = match (&against, &number) {
                (Some(pdf), _) => {
                    let pdf_bytes =
                        std::fs::read(pdf).map_err(|e| format!("{}: {e}", pdf.display()))?;
                    let v = gradsign_documents::pdf_verification(&pdf_bytes).ok_or_else(|| {
                        format!(
                            "{}: 不是 GradSign 下发的协议书 PDF / not an agreement PDF issued by GradSign",
                            pdf.display()
                        )
                    })?;
                    ((v.code, v.hash), v.number)
                }
                (None, Some(n)) => {
                    let engine = open(&cli.db, cli.files.clone()).await?;
                    let actor = admin(&engine, None).await?;
                    let id = engine
                        .agreement_by_number(&actor, n)
                        .await
                        .map_err(|e| e.to_string())?;
                    let item = engine
                        .item_detail(&actor, id, now())
                        .await
                        .map_err(|e| e.to_string())?
                        .item;
                    match (item.verification_code, item.snapshot_hash) {
                        (Some(c), Some(h)) => ((c, h), n.clone()),
                        _ => return Err(format!("{n}: 协议书尚未下发 / not issued yet")),
                    }
                }
                (None, None) => return Err("--against F.pdf or --number N".into()),
            };
            // As the engine reads an uploaded page (R-OFFSIGN-10): the compressed image first,
            // then the photo as it came.
            let name = photo
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let read = tokio::task::spawn_blocking(move || {
                gradsign_documents::compress_scan_named(
                    &name,
                    &bytes,
                    &gradsign_documents::ScanPolicy::default(),
                )
                .ok()
                .and_then(|scan| gradsign_documents::read_verification_qr(&scan.jpeg))
                .or_else(|| gradsign_documents::read_verification_qr(&bytes))
            })
            .await
            .map_err(|e| e.to_string())?;
            let verdict = match read {
                None => "no qr found".to_string(),
                Some((code, hash)) if code.eq_ignore_ascii_case(&expected.0) => {
                    if hash.eq_ignore_ascii_case(&expected.1) {
                        println!("match {issued_number}");
                        return Ok(());
                    }
                    "hash differs".to_string()
                }
                Some((code, _)) => {
                    // With a database the other agreement is named by its number, as the verify
                    // screen names it (R-VERIFY-01).
                    let other = match &cli.db {
                        Some(_) => {
                            let engine = open(&cli.db, cli.files).await?;
                            engine
                                .verify_agreement("cli", &code, "", now())
                                .await
                                .map_err(|e| e.to_string())?
                                .agreement_number
                        }
                        None => None,
                    };
                    format!(
                        "other agreement {}",
                        other.unwrap_or_else(|| format!("(verification code {code})"))
                    )
                }
            };
            println!("{verdict}");
            // The verdict is the answer; the exit status says it is not a match.
            return Err(String::new());
        }
        Command::Agreement {
            what:
                AgreementWhat::Render {
                    sample,
                    print_copy,
                    number,
                    out,
                },
        } => {
            let fonts = gradsign_documents::Fonts::system_shared()?;
            let pdf = if sample {
                let mut doc = gradsign_documents::sample_agreement();
                if print_copy {
                    doc.state = gradsign_documents::AgreementState::AwaitingStamp;
                }
                gradsign_documents::render_agreement(&doc, fonts).map_err(|e| e.to_string())?
            } else {
                let engine = open(&cli.db, cli.files).await?;
                let actor = admin(&engine, None).await?;
                let id = engine
                    .agreement_by_number(&actor, number.as_deref().unwrap_or_default())
                    .await
                    .map_err(|e| e.to_string())?;
                engine
                    .agreement_pdf(&actor, id, fonts, now())
                    .await
                    .map_err(|e| e.to_string())?
            };
            write_atomically(&out, &pdf)?;
            println!("wrote {} ({} bytes)", out.display(), pdf.len());
        }
        Command::Scan {
            what: ScanWhat::Compress { input, output },
        } => {
            let bytes = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let name = input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let scan = gradsign_documents::compress_scan_named(
                &name,
                &bytes,
                &gradsign_documents::ScanPolicy::default(),
            )
            .map_err(|e| format!("{} [{}]", e, e.code()))?;
            write_atomically(&output, &scan.jpeg)?;
            println!(
                "{}: {} bytes, {}×{} {} → {}: {} bytes, {}×{} JPEG ({:.1}% of the input)",
                input.display(),
                bytes.len(),
                scan.original_width,
                scan.original_height,
                scan.original_format.name(),
                output.display(),
                scan.jpeg.len(),
                scan.width,
                scan.height,
                100.0 * scan.jpeg.len() as f64 / bytes.len().max(1) as f64
            );
        }
        Command::Export {
            what: ExportWhat::Stats { cohort, out },
        } => {
            let engine = open(&cli.db, cli.files).await?;
            let actor = admin(&engine, None).await?;
            println!(
                "{}",
                export::stats(&engine, &actor, cohort, &out, now()).await?
            );
        }
        Command::Outbox {
            what: OutboxWhat::Send,
        } => {
            let engine = open(&cli.db, cli.files).await?;
            let r = engine
                .deliver_outbox(&Actor::system(), now())
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "sent {}, failed {} (will retry), given up {}, not sent (no gateway) {}",
                r.sent, r.failed, r.given_up, r.no_gateway
            );
        }
    }
    Ok(())
}

/// Writes beside the target and renames, so a failed run leaves no half-written file.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("{}: {e}", path.display())
        })
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gradsign: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
