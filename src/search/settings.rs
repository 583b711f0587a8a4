//! What the browser needs besides postings and texts to rank and show
//! results: the role weights, how many results of one document come before
//! the rest are folded, and the synonyms a query is expanded with.
//!
//! Takes `search:` of `site.yaml` and the glossary; gives [`Settings`], which
//! the manifest carries (see [`Settings::manifest_fields`]).

use std::collections::BTreeMap;

use crate::config::SearchConfig;
use crate::resolve::Resolved;

/// Ranking and expansion settings of one site.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Weights by [`super::entries::Role::index`].
    pub weights: [f32; 5],
    /// Results from one document among the first ten.
    pub per_document: u32,
    /// Each word with the words a query holding it also searches for.
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::from_config(&SearchConfig::default(), &[])
    }
}

impl Settings {
    /// The settings of `search:` and of glossary terms given as (term,
    /// aliases): every name of a term also searches for its other names.
    pub fn from_config(config: &SearchConfig, terms: &[(String, Vec<String>)]) -> Settings {
        let w = config.weights;
        let mut synonyms: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut add = |word: &str, also: &str| {
            let list = synonyms.entry(word.to_string()).or_default();
            if word != also && !list.iter().any(|a| a == also) {
                list.push(also.to_string());
            }
        };
        for (word, also) in &config.synonyms {
            for a in also {
                add(word.trim(), a.trim());
            }
        }
        for (term, aliases) in terms {
            let names: Vec<&str> = std::iter::once(term.as_str()).chain(aliases.iter().map(String::as_str)).collect();
            for a in &names {
                for b in &names {
                    add(a, b);
                }
            }
        }
        synonyms.retain(|_, list| !list.is_empty());
        Settings {
            weights: [w.directive, w.explanation, w.page, w.law, w.history],
            per_document: config.per_document,
            synonyms,
        }
    }

    /// The settings of a resolved site.
    pub fn of_site(resolved: &Resolved) -> Settings {
        let terms: Vec<(String, Vec<String>)> =
            resolved.links.glossary.iter().map(|t| (t.term.clone(), t.aliases.clone())).collect();
        Settings::from_config(&resolved.config.search, &terms)
    }

    /// The manifest's fields for these settings: `roles` (weights by role),
    /// `fold` (results per document) and `syn` (synonyms).
    pub fn manifest_fields(&self) -> serde_json::Value {
        // Weights rounded to thousandths, so the manifest reads the same on every machine.
        let roles: Vec<f64> = self.weights.iter().map(|w| (f64::from(*w) * 1000.0).round() / 1000.0).collect();
        serde_json::json!({ "roles": roles, "fold": self.per_document, "syn": self.synonyms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_names_search_for_each_other() {
        let mut config = SearchConfig::default();
        config.synonyms.insert("公车".into(), vec!["公务用车".into()]);
        let s = Settings::from_config(&config, &[("收支两条线".into(), vec!["两条线".into()])]);
        assert_eq!(s.synonyms["公车"], ["公务用车"]);
        assert_eq!(s.synonyms["两条线"], ["收支两条线"]);
        assert_eq!(s.synonyms["收支两条线"], ["两条线"]);
        assert!(!s.synonyms.contains_key("公务用车"));
        assert_eq!(s.manifest_fields()["fold"], 3);
    }
}
