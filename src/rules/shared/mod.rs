//! What several rules share: the attribution analysis behind three of them, the vague phrases
//! that stand in for them, suppression comments, the edit builder behind every fix, and
//! near-miss suggestions.

pub mod attribution;
pub mod fix;
pub mod near;
pub(crate) mod suppressions;
pub(crate) mod vague;
