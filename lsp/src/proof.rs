//! The self-compliance proof, off the reply path. The proof evaluates the emitted initiative
//! against every resource the build creates, which on a large project takes longer than the
//! rest of the check; run on the main loop, it delayed every edit's diagnostics and every reply.
//! A worker thread runs it on a copy of the model instead, always on the newest one (jobs that
//! a newer edit made stale are skipped), and the main loop merges what it finds when it comes.

use std::time::Duration;

use charter_compiler::symbols::SymbolIndex;
use charter_ir::{Date, Project};
use charter_syntax::Diagnostic;
use crossbeam_channel::{Receiver, Sender};

use crate::transport::log;

/// How long a check waits for its proof before publishing without it. A small project's proof
/// takes a few milliseconds: waiting this long publishes its diagnostics once, complete, rather
/// than twice; a large project's comes in a second publication.
pub const PATIENCE: Duration = Duration::from_millis(25);

/// One project's model to prove (shared with the analysis it belongs to).
#[derive(Debug)]
pub struct Model {
    pub project: Project,
    pub symbols: SymbolIndex,
}

/// The proofs to run: the model of every project of the compilation numbered `generation`
/// (`None` for a project with errors, which is not proved).
pub struct Job {
    pub generation: u64,
    pub models: Vec<Option<std::sync::Arc<Model>>>,
    pub today: Date,
}

/// What the proofs found, for the compilation numbered `generation`: one list per project, in
/// the order of the job's models.
pub struct Outcome {
    pub generation: u64,
    pub diagnostics: Vec<Vec<Diagnostic>>,
    pub elapsed: Duration,
}

/// The worker's two ends, as the main loop sees them.
pub struct Prover {
    jobs: Option<Sender<Job>>,
    pub outcomes: Receiver<Outcome>,
    /// Where outcomes are sent; kept so that a proof run here (no thread) can report the same way.
    outcome_sender: Sender<Outcome>,
}

impl Prover {
    /// Starts the worker thread; if it cannot be started, [`Prover::submit`] proves in place.
    pub fn start() -> Prover {
        let (job_sender, jobs) = crossbeam_channel::unbounded::<Job>();
        let (outcome_sender, outcomes) = crossbeam_channel::unbounded();
        let sender = outcome_sender.clone();
        let spawned = std::thread::Builder::new()
            .name("charter-proof".to_string())
            .spawn(move || {
                lower_priority();
                while let Ok(mut job) = jobs.recv() {
                    // Only the newest model matters: skip the ones edits made stale.
                    while let Ok(newer) = jobs.try_recv() {
                        job = newer;
                    }
                    if sender.send(run(job)).is_err() {
                        return;
                    }
                }
            });
        if spawned.is_err() {
            log("cannot start a thread for the self-compliance proof; proving on the main loop");
        }
        Prover {
            jobs: spawned.is_ok().then_some(job_sender),
            outcomes,
            outcome_sender,
        }
    }

    /// Hands a model to the worker (or proves it here when there is no worker).
    pub fn submit(&self, job: Job) {
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => return,
                Err(crossbeam_channel::SendError(job)) => job,
            },
            None => job,
        };
        let _ = self.outcome_sender.send(run(job));
    }
}

/// Lowers the calling thread's scheduling priority (nice 10), so that on a busy machine the
/// proof, which runs after every clean edit of a large project, yields the cores to the main
/// loop answering the next edit. On Linux the nice value is a thread's own (setpriority(2),
/// "NOTES": under NPTL a thread id names that thread); elsewhere it would be the whole
/// server's, so it is left alone there.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        if rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10).is_err() {
            log("cannot lower the priority of the proof thread");
        }
    }
}

/// Runs one proof. The proof must never panic; if it does on some model, the check goes on
/// without its findings and the log says so.
fn run(job: Job) -> Outcome {
    let started = std::time::Instant::now();
    let diagnostics = job
        .models
        .iter()
        .map(|model| {
            let Some(model) = model else {
                return Vec::new();
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                charter_compliance::diagnostics(&model.project, &model.symbols, job.today)
            }))
            .unwrap_or_else(|_| {
                log("the self-compliance proof panicked on the current sources; its findings are missing");
                Vec::new()
            })
        })
        .collect();
    Outcome {
        generation: job.generation,
        diagnostics,
        elapsed: started.elapsed(),
    }
}
