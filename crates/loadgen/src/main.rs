//! `gradsign-loadgen`: the school server's load generator (scripts/bench-server.sh runs it).
//!
//! - `csv` writes the cohort's import file for `gradsign import graduates`;
//! - `setup` makes the accounts the load acts as, over the HTTP API, into a state file;
//! - `run` loads one or more servers for a bounded time with the school mix or the write mix
//!   and prints throughput and p50/p99 per operation (and writes them as JSON).
//!
//! Only loopback servers are loaded (127.0.0.0/8, ::1, localhost), and every run ends by itself
//! after `--seconds` (at most ten minutes).

mod mix;
mod school;
mod setup;
mod tally;
mod wire;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

/// The longest run the generator agrees to: a load test ends by itself.
const MAX_SECONDS: u64 = 600;

#[derive(Parser, Debug)]
#[command(
    name = "gradsign-loadgen",
    about = "Load generator for gradsign serve (127.0.0.1 only)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Writes the import file of the first N graduates (UTF-8 CSV).
    Csv {
        #[arg(long, default_value_t = 5000)]
        graduates: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Makes reviewers, employers, activated graduates and signed agreements; writes the state.
    Setup {
        /// The server (loopback only).
        #[arg(long)]
        url: String,
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The admin's password, as given to `gradsign init`.
        #[arg(long, env = "GRADSIGN_BENCH_ADMIN_PASSWORD")]
        admin_password: String,
        #[arg(long, default_value_t = 2000)]
        activate: u32,
        #[arg(long, default_value_t = 20)]
        employers: u32,
        #[arg(long, default_value_t = 2)]
        reviewers_per_department: u32,
        #[arg(long, default_value_t = 4)]
        school_reviewers: u32,
        #[arg(long, default_value_t = 40)]
        agreements: u32,
        #[arg(long)]
        state: PathBuf,
    },
    /// Loads the servers for a bounded time and reports per operation.
    Run {
        /// A server (loopback only); repeat to spread the clients over several.
        #[arg(long = "url", required = true)]
        urls: Vec<String>,
        #[arg(long)]
        state: PathBuf,
        #[arg(long, value_enum, default_value = "school")]
        mix: mix::Mix,
        #[arg(long, default_value_t = 200)]
        clients: usize,
        /// Measured seconds (after the warm-up).
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, default_value_t = 3)]
        warmup_seconds: u64,
        /// Requests per second offered by all clients together; 0: each client sends its next
        /// request as soon as it has its answer (closed loop, the servers' saturation).
        #[arg(long, default_value_t = 0.0)]
        rate: f64,
        #[arg(long, default_value = "run")]
        label: String,
        /// Where the report goes as JSON.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

async fn main_result(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Csv { graduates, out } => {
            std::fs::write(&out, school::import_csv(graduates))
                .map_err(|e| format!("{}: {e}", out.display()))?;
            println!("wrote {} graduates to {}", graduates, out.display());
        }
        Command::Setup {
            url,
            admin,
            admin_password,
            activate,
            employers,
            reviewers_per_department,
            school_reviewers,
            agreements,
            state,
        } => {
            let url = wire::loopback_url(&url)?;
            let conn = wire::Connection::new(&url)?;
            let plan = setup::SetupPlan {
                admin_login: admin,
                admin_password,
                activate,
                employers,
                reviewers_per_department,
                school_reviewers,
                agreements,
            };
            let started = Instant::now();
            let s = setup::run(&conn, &plan).await?;
            let json = serde_json::to_string(&s).map_err(|e| e.to_string())?;
            std::fs::write(&state, json).map_err(|e| format!("{}: {e}", state.display()))?;
            println!(
                "set up in {:.1} s: {} graduates, {} employers, {} + {} reviewers, {} signed agreements",
                started.elapsed().as_secs_f64(),
                s.graduates.len(),
                s.employers.len(),
                s.department_reviewers.len(),
                s.school_reviewers.len(),
                s.agreements.len()
            );
        }
        Command::Run {
            urls,
            state,
            mix,
            clients,
            seconds,
            warmup_seconds,
            rate,
            label,
            out,
        } => {
            if seconds == 0 || seconds.saturating_add(warmup_seconds) > MAX_SECONDS {
                return Err(format!(
                    "--seconds plus --warmup-seconds must be 1..{MAX_SECONDS}"
                ));
            }
            if clients == 0 || !(rate.is_finite() && rate >= 0.0) {
                return Err("--clients must be at least 1 and --rate 0 or more".into());
            }
            let servers = urls
                .iter()
                .map(|u| wire::loopback_url(u))
                .collect::<Result<Vec<_>, _>>()?;
            let raw = std::fs::read(&state).map_err(|e| format!("{}: {e}", state.display()))?;
            let school_state: setup::SchoolState =
                serde_json::from_slice(&raw).map_err(|e| format!("{}: {e}", state.display()))?;
            let start = Instant::now();
            let from = start + Duration::from_secs(warmup_seconds);
            let window = tally::Window {
                from,
                until: from + Duration::from_secs(seconds),
            };
            let interval = (rate > 0.0).then(|| Duration::from_secs_f64(clients as f64 / rate));
            let run = Arc::new(mix::Run {
                state: school_state,
                window,
                interval,
            });
            let t = mix::run(mix, run, clients, &servers, start).await?;
            let report = tally::report(&label, &t, window, clients, servers.len());
            if let Some(out) = out {
                let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
                std::fs::write(&out, json).map_err(|e| format!("{}: {e}", out.display()))?;
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gradsign-loadgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(main_result(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gradsign-loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
