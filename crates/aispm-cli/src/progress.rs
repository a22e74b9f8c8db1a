//! Progress on standard error while a scan runs (only on a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct ScanProgress {
    bar: ProgressBar,
    files: AtomicU64,
    bytes: AtomicU64,
    started: Instant,
}

impl ScanProgress {
    pub fn new() -> ScanProgress {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} scanning: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        ScanProgress {
            bar,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl aispm_engine::Progress for ScanProgress {
    fn file_done(&self, bytes: u64) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if files.is_multiple_of(64) || bytes > 16 << 20 {
            let secs = self.started.elapsed().as_secs_f64().max(0.001);
            self.bar.set_message(format!(
                "{files} files ({:.0}/s), {} ({}/s)",
                files as f64 / secs,
                indicatif::HumanBytes(total),
                indicatif::HumanBytes((total as f64 / secs) as u64)
            ));
        }
    }
}
