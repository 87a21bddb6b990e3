//! Budgets, checked against what Azure Cost Management accepts for a budget: a positive amount,
//! at most five notifications, thresholds above 0% and at most 1000% of the amount, and
//! notifications sent to valid e-mail addresses (docs/terraform.md, "Budgets").

use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use super::Checks;
use crate::codes;
use crate::model::{Budget, BudgetList};

/// The most notifications (alert thresholds) one Azure budget takes.
pub(super) const MAX_NOTIFICATIONS: usize = 5;
/// The highest alert threshold Azure takes, in percent of the amount.
pub(super) const MAX_THRESHOLD_PERCENT: u32 = 1000;
/// The most integer digits an amount keeps exactly: budgets travel as JSON numbers (IEEE 754
/// doubles), which hold 15 significant decimal digits.
const MAX_AMOUNT_DIGITS: usize = 15;

impl Checks<'_> {
    /// Reports every part of a `budget:` field that Azure would refuse.
    pub(super) fn check_budget(&mut self, budget: &Budget) {
        if let Some(money) = &budget.amount {
            let (amount, currency, span) = (&money.amount, &money.currency, &money.span);
            let integer_digits = amount
                .split('.')
                .next()
                .unwrap_or("")
                .trim_start_matches('0');
            let is_zero = amount.chars().all(|c| c == '0' || c == '.');
            if is_zero {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_AMOUNT,
                        "a budget amount must be more than zero",
                        *span,
                        "zero",
                    )
                    .with_help(
                        "give the amount the workload may spend per period, or remove the budget",
                    ),
                );
            } else if integer_digits.len() > MAX_AMOUNT_DIGITS {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_AMOUNT,
                        format!(
                            "budget amount has {} digits, more than Azure keeps exactly",
                            integer_digits.len()
                        ),
                        *span,
                        format!("at most {MAX_AMOUNT_DIGITS} digits before the decimal point"),
                    )
                    .with_note("budget amounts travel as JSON numbers, which hold about 15 significant digits; a longer amount would silently change")
                    .with_help("check the amount"),
                );
            }
            if iso_currency::Currency::from_code(currency).is_none() {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_AMOUNT,
                        format!("`{}` is not an ISO 4217 currency code", sanitize(currency)),
                        *span,
                        "unknown currency",
                    )
                    .with_help("write the amount with a three-letter ISO 4217 code, such as `2000 USD` or `1800 EUR`"),
                );
            }
        }

        if let Some(list) = &budget.alert_at {
            self.check_thresholds(list);
        }
        if let Some(list) = &budget.notify {
            self.check_contacts(list);
        }
    }

    fn check_thresholds(&mut self, list: &BudgetList<u32>) {
        if list.items.is_empty() && list.written_empty {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::fields::INVALID_BUDGET_ALERT,
                    "`alert_at` lists no thresholds",
                    list.span,
                    "no alerts",
                )
                .with_help("list the percentages of the amount to alert at, such as `[50%, 80%, 100%]`, or remove `alert_at`"),
            );
            return;
        }
        let mut seen: Vec<(u32, Span)> = Vec::new();
        for (value, span) in &list.items {
            if *value == 0 {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_ALERT,
                        "an alert threshold of 0% never fires",
                        *span,
                        "0%",
                    )
                    .with_note("Azure takes thresholds above 0% and at most 1000% of the budget")
                    .with_help("use a percentage above 0%, such as `50%`"),
                );
                continue;
            }
            if *value > MAX_THRESHOLD_PERCENT {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_ALERT,
                        format!("alert threshold {value}% is above Azure's limit of {MAX_THRESHOLD_PERCENT}%"),
                        *span,
                        format!("more than {MAX_THRESHOLD_PERCENT}%"),
                    )
                    .with_help(format!("use a threshold of at most {MAX_THRESHOLD_PERCENT}%")),
                );
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(v, _)| v == value) {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_ALERT,
                        format!("alert threshold {value}% is listed twice"),
                        *span,
                        "listed again here",
                    )
                    .with_secondary(*first, "first listed here")
                    .with_help("list each threshold once")
                    .with_fix("remove the duplicate", *span, ""),
                );
                continue;
            }
            seen.push((*value, *span));
            if seen.len() == MAX_NOTIFICATIONS + 1 {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_ALERT,
                        format!("a budget takes at most {MAX_NOTIFICATIONS} alert thresholds"),
                        *span,
                        format!("threshold number {}", MAX_NOTIFICATIONS + 1),
                    )
                    .with_note("each threshold is one notification of the Azure budget, and Azure allows five")
                    .with_help("keep the five thresholds that matter most"),
                );
            }
        }
    }

    fn check_contacts(&mut self, list: &BudgetList<String>) {
        if list.items.is_empty() && list.written_empty {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::fields::INVALID_BUDGET_CONTACT,
                    "`notify` lists no one",
                    list.span,
                    "no contacts",
                )
                .with_help("list the e-mail addresses to alert, or remove `notify` (the resource group's owners are then notified)"),
            );
            return;
        }
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for (address, span) in &list.items {
            let (address, span) = (address.as_str(), *span);
            if !email_address::EmailAddress::is_valid(address) || !address.contains('.') {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_CONTACT,
                        format!("`{}` is not an e-mail address", sanitize(address)),
                        span,
                        "not an e-mail address",
                    )
                    .with_help("write a full address, such as `ai-finops@contoso.com`"),
                );
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(a, _)| a.eq_ignore_ascii_case(address)) {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::fields::INVALID_BUDGET_CONTACT,
                        format!("`{}` is listed twice", sanitize(address)),
                        span,
                        "listed again here",
                    )
                    .with_secondary(*first, "first listed here")
                    .with_help("list each contact once")
                    .with_fix("remove the duplicate", span, ""),
                );
                continue;
            }
            seen.push((address, span));
        }
    }
}
