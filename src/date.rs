//! "Today" for retirement checks: `--today YYYY-MM-DD`, or the system clock (UTC).

use charter_ir::Date;

/// Parses `YYYY-MM-DD`, checking that the day exists (for clap's `--today`).
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

/// Today's date in UTC from the system clock.
pub fn today_utc() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    Date::from_days_since_epoch((seconds / 86_400) as i64)
}
