//! One catalogue of codes: the loader's structural diagnostics (JX0xx) and
//! the rules of a [`RuleSet`] (on or turned off), for waivers, `severity`
//! entries, `explain` and "did you mean".

use crate::load::{LOADER_CODES, loader_code};
use crate::rules::RuleSet;

impl RuleSet {
    /// Whether `code` names a loader code or a rule of this set (a rule
    /// turned `off` is still known).
    pub fn knows(&self, code: &str) -> bool {
        self.rule(code).is_some()
            || self.off.iter().any(|c| &**c == code)
            || loader_code(code).is_some()
    }

    /// Every code this set knows: the rules, those turned off, the loader's.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .map(|r| &*r.code)
            .chain(self.off.iter().map(|c| &**c))
            .chain(LOADER_CODES.iter().map(|c| c.code))
    }

    /// The known code closest to `code`, for "did you mean".
    pub fn guess_code(&self, code: &str) -> Option<&str> {
        crate::load::did_you_mean(code, self.codes())
    }
}
