//! `newsmark.toml`: rule severities, number exemptions, required source fields, cues.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Rule, Severity};
use crate::syntax::{Encoding, LineIndex};

pub const FILE_NAME: &str = "newsmark.toml";

pub const DEFAULT_CUES: &[&str] = &[
    "said",
    "says",
    "told",
    "according to",
    "reported",
    "reports",
    "confirmed",
    "stated",
    "claimed",
    "announced",
    "noted",
    "added",
    "wrote",
    "argued",
    "cited",
    "informs",
];

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Info,
    Hint,
    Off,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    rules: BTreeMap<String, RuleLevel>,
    #[serde(default)]
    numbers: Numbers,
    #[serde(default)]
    sources: Sources,
    #[serde(default)]
    attribution: Attribution,
    #[serde(default)]
    limits: Limits,
}

/// How much of an article is analysed in full.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Limits {
    /// The prose rules (numbers, quotes, missing sources, unlinked names) check the blocks
    /// that end within this many bytes of an article; the rest of a larger article is parsed
    /// and indexed, and its references checked, but its prose is not.
    pub prose_bytes: usize,
}

/// 16 MiB: a keystroke in an article that size still re-checks in about 0.2 s.
pub const DEFAULT_PROSE_BYTES: usize = 16 << 20;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            prose_bytes: DEFAULT_PROSE_BYTES,
        }
    }
}

/// Which kinds of number are exempt (`true`: never reported).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Numbers {
    pub exempt_years: bool,
    pub exempt_dates: bool,
    pub exempt_times: bool,
    pub exempt_ordinals: bool,
    pub exempt_ages: bool,
}

impl Numbers {
    /// Whether numbers of `class` are exempt from the attribution rules.
    pub fn exempts(&self, class: crate::prose::numbers::NumberClass) -> bool {
        use crate::prose::numbers::NumberClass;
        match class {
            NumberClass::Plain => false,
            NumberClass::Year => self.exempt_years,
            NumberClass::Date => self.exempt_dates,
            NumberClass::Time => self.exempt_times,
            NumberClass::Ordinal => self.exempt_ordinals,
            NumberClass::Age => self.exempt_ages,
        }
    }
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers {
            exempt_years: true,
            exempt_dates: true,
            exempt_times: true,
            exempt_ordinals: true,
            exempt_ages: false,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Sources {
    required: Vec<String>,
}

impl Default for Sources {
    fn default() -> Sources {
        Sources {
            required: vec!["url".to_string(), "date".to_string()],
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct Attribution {
    cues: Option<Vec<String>>,
    extra_cues: Vec<String>,
}

/// The checked configuration.
#[derive(Clone, Debug)]
pub struct Config {
    levels: BTreeMap<Rule, RuleLevel>,
    pub numbers: Numbers,
    pub required_source_fields: Vec<String>,
    pub cues: Vec<String>,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Config {
        Config::from_raw(RawConfig::default()).expect("the default configuration is valid")
    }
}

/// A problem in `newsmark.toml`, with a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl Config {
    /// Severity of `rule` under this configuration, `None` when the rule is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.levels.get(&rule).copied() {
            None => Some(rule.default_severity()),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Error) => Some(Severity::Error),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Hint) => Some(Severity::Hint),
        }
    }

    /// Parses the text of a `newsmark.toml`; `path` is only used in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let error_at = |offset: usize, message: String| {
            let index = LineIndex::new(text);
            let pos = index.position(text, offset, Encoding::Utf32);
            ConfigError {
                path: path.to_path_buf(),
                line: pos.line as usize + 1,
                column: pos.col as usize + 1,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            error_at(offset, e.message().trim().to_string())
        })?;
        Config::from_raw(raw).map_err(|(key, message)| {
            // Point at the offending key inside `[rules]` when we can find it.
            let offset = text.find(&format!("\n{key}")).map_or(0, |at| at + 1);
            error_at(offset, message)
        })
    }

    /// Reads `newsmark.toml` at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(&text, path)
    }

    fn from_raw(raw: RawConfig) -> Result<Config, (String, String)> {
        let mut levels = BTreeMap::new();
        for (name, level) in raw.rules {
            let Some(rule) = Rule::from_id(&name) else {
                let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                return Err((
                    name.clone(),
                    format!(
                        "unknown rule `{name}` in [rules]: expected one of {}",
                        known.join(", ")
                    ),
                ));
            };
            levels.insert(rule, level);
        }
        let mut cues = raw
            .attribution
            .cues
            .unwrap_or_else(|| DEFAULT_CUES.iter().map(|c| c.to_string()).collect());
        cues.extend(raw.attribution.extra_cues);
        Ok(Config {
            levels,
            numbers: raw.numbers,
            required_source_fields: raw.sources.required,
            cues,
            limits: raw.limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let text = "[rules]\nunattributed-number = \"loud\"\n";
        let err = Config::parse(text, Path::new("newsmark.toml")).unwrap_err();
        assert_eq!((err.line, err.column), (2, 23));
        assert!(
            err.message.contains("unknown variant `loud`"),
            "{}",
            err.message
        );

        let text = "[numbers]\nexempt-years = true\nexempt-weeks = false\n";
        let err = Config::parse(text, Path::new("newsmark.toml")).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("exempt-weeks"), "{}", err.message);

        let text = "[rules]\n\nmissing-sauce = \"off\"\n";
        let err = Config::parse(text, Path::new("newsmark.toml")).unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("unknown rule `missing-sauce`"));
    }

    #[test]
    fn settings_apply() {
        let text = "[rules]\nunlinked-mention = \"off\"\nunused-source = \"error\"\n[attribution]\nextra-cues = [\"testified\"]\n[sources]\nrequired = [\"url\"]\n";
        let config = Config::parse(text, Path::new("newsmark.toml")).unwrap();
        assert_eq!(config.severity(Rule::UnlinkedMention), None);
        assert_eq!(config.severity(Rule::UnusedSource), Some(Severity::Error));
        assert_eq!(
            config.severity(Rule::UnattributedNumber),
            Some(Severity::Warning)
        );
        assert!(config.cues.iter().any(|c| c == "testified"));
        assert!(config.cues.iter().any(|c| c == "said"));
        assert_eq!(config.required_source_fields, ["url"]);
    }
}
