//! Budgets, checked against what Azure Cost Management accepts for a budget: a positive amount,
//! at most five notifications, thresholds above 0% and at most 1000% of the amount, and
//! notifications sent to valid e-mail addresses (docs/terraform.md, "Budgets").

use charter_syntax::Span;

use super::Checks;
use crate::codes::fields::{
    invalid_budget, BudgetProblem, MAX_AMOUNT_DIGITS, MAX_NOTIFICATIONS, MAX_THRESHOLD_PERCENT,
};
use crate::model::{Budget, BudgetList};

impl<'a> Checks<'a> {
    /// Reports every part of a `budget:` field that Azure would refuse.
    pub(super) fn check_budget(&mut self, budget: &'a Budget) {
        if let Some(money) = &budget.amount {
            let (amount, currency, span) = (&money.amount, &money.currency, money.span);
            let integer_digits = amount
                .split('.')
                .next()
                .unwrap_or("")
                .trim_start_matches('0');
            let is_zero = amount.chars().all(|c| c == '0' || c == '.');
            if is_zero {
                self.diagnostics
                    .push(invalid_budget(BudgetProblem::ZeroAmount, span));
            } else if integer_digits.len() > MAX_AMOUNT_DIGITS {
                self.diagnostics.push(invalid_budget(
                    BudgetProblem::TooManyDigits(integer_digits.len()),
                    span,
                ));
            }
            if iso_currency::Currency::from_code(currency).is_none() {
                self.diagnostics.push(invalid_budget(
                    BudgetProblem::UnknownCurrency(currency),
                    span,
                ));
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
            self.diagnostics
                .push(invalid_budget(BudgetProblem::NoThresholds, list.span));
            return;
        }
        let mut seen: Vec<(u32, Span)> = Vec::new();
        for &(value, span) in &list.items {
            if value == 0 {
                self.diagnostics
                    .push(invalid_budget(BudgetProblem::ZeroThreshold, span));
                continue;
            }
            if value > MAX_THRESHOLD_PERCENT {
                self.diagnostics
                    .push(invalid_budget(BudgetProblem::ThresholdTooHigh(value), span));
                continue;
            }
            if let Some(&(_, first)) = seen.iter().find(|(v, _)| *v == value) {
                self.diagnostics.push(invalid_budget(
                    BudgetProblem::DuplicateThreshold(value, first),
                    span,
                ));
                continue;
            }
            seen.push((value, span));
            if seen.len() == MAX_NOTIFICATIONS + 1 {
                self.diagnostics
                    .push(invalid_budget(BudgetProblem::TooManyThresholds, span));
            }
        }
    }

    fn check_contacts(&mut self, list: &'a BudgetList<String>) {
        if list.items.is_empty() && list.written_empty {
            self.diagnostics
                .push(invalid_budget(BudgetProblem::NoContacts, list.span));
            return;
        }
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for (address, span) in &list.items {
            let (address, span) = (address.as_str(), *span);
            let valid = self.valid_contacts.contains(address) || {
                let valid = email_address::EmailAddress::is_valid(address) && address.contains('.');
                if valid {
                    self.valid_contacts.insert(address);
                }
                valid
            };
            if !valid {
                self.diagnostics.push(invalid_budget(
                    BudgetProblem::NotAnEmailAddress(address),
                    span,
                ));
                continue;
            }
            if let Some(&(_, first)) = seen.iter().find(|(a, _)| a.eq_ignore_ascii_case(address)) {
                self.diagnostics.push(invalid_budget(
                    BudgetProblem::DuplicateContact(address, first),
                    span,
                ));
                continue;
            }
            seen.push((address, span));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Document, Options};

    /// Contacts are checked at every budget: one found valid at the first budget is valid at
    /// the next, and one that is not an address is reported at each budget that names it
    /// (the checks remember valid addresses only).
    #[test]
    fn contacts_are_checked_at_every_budget() {
        let workload = |name: &str| {
            format!(
                "workload {name} {{\n  environment: prod\n  resource_group: \"rg-{name}\"\n  \
                 budget: 2000 USD monthly alert_at [80%] notify [\"finops@example.com\", \
                 \"finops team\"]\n}}\n"
            )
        };
        let document = Document {
            id: charter_syntax::FileId(0),
            path: "main.charter".to_string(),
            text: format!("{}{}", workload("support"), workload("billing")),
            is_stdlib: false,
        };
        let options = Options::new(charter_ir::Date::parse("2026-11-22").expect("a date"));
        let contacts: Vec<String> = compile(vec![document], &options)
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.code == crate::codes::fields::INVALID_BUDGET_CONTACT)
            .map(|diagnostic| diagnostic.message)
            .collect();
        assert_eq!(contacts, ["`finops team` is not an e-mail address"; 2]);
    }
}
