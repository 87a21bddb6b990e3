//! Calendar arithmetic for retirement and expiry checks: day numbers and durations.

use charter_ir::Date;

/// Days since 1970-01-01 (negative before).
pub fn day_number(date: Date) -> i64 {
    date.days_since_epoch()
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    day_number(to) - day_number(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u8, day: u8) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn counts_days_across_leap_years() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
        assert_eq!(days_between(date(2026, 11, 22), date(2027, 2, 20)), 90);
        assert_eq!(days_between(date(2027, 1, 1), date(2026, 12, 31)), -1);
    }
}
