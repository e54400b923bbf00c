//! Layouts as data: the files in `layouts/` (embedded at build time, like the
//! default rules) say how a printed table is recognised (`detect`, `reject`,
//! `title_contains`) and where each labelled value goes (`fields`,
//! `funds_columns`, `funds_rows`, `indicator_columns`, `closing_score`,
//! `not_data`). `common.yaml` holds the shared vocabulary; a layout's own
//! entries come first. Also the label normalisation every match goes through.

use crate::yaml;

/// The built-in layout files, most specific first (the first that matches a
/// sheet is used).
pub const LAYOUT_FILES: &[(&str, &str)] = &[
    (
        "sichuan-510000-0013zp.yaml",
        include_str!("../../layouts/sichuan-510000-0013zp.yaml"),
    ),
    (
        "department-self-evaluation.yaml",
        include_str!("../../layouts/department-self-evaluation.yaml"),
    ),
    (
        "department-target.yaml",
        include_str!("../../layouts/department-target.yaml"),
    ),
    (
        "mof2020-10-self-evaluation.yaml",
        include_str!("../../layouts/mof2020-10-self-evaluation.yaml"),
    ),
    ("target.yaml", include_str!("../../layouts/target.yaml")),
    ("summary.yaml", include_str!("../../layouts/summary.yaml")),
];

pub const COMMON: &str = include_str!("../../layouts/common.yaml");

/// One layout, merged with the common vocabulary; labels already normalised.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub id: String,
    pub name: String,
    /// `target`, `self-evaluation` or `summary`.
    pub kind: String,
    /// `project` or `department` (`None` for summaries).
    pub scope: Option<String>,
    pub detect: Vec<Vec<String>>,
    pub reject: Vec<String>,
    pub title_contains: Vec<String>,
    pub fields: Vec<(String, String)>,
    pub funds_columns: Vec<(String, String)>,
    pub funds_rows: Vec<(String, String)>,
    pub indicator_columns: Vec<(String, String)>,
    pub closing_score: Vec<String>,
    pub not_data: Vec<String>,
    /// With several indicator tables, the one after a cell containing this.
    pub annual_table: Option<String>,
}

impl Layout {
    pub fn field(&self, label: &str) -> Option<&str> {
        lookup(&self.fields, label)
    }
    pub fn funds_column(&self, label: &str) -> Option<&str> {
        lookup(&self.funds_columns, label)
    }
    /// A funds row's source: `其中当年财政拨款` as listed, or `其中中央资金`
    /// read as `中央资金` when only that is listed.
    pub fn funds_row(&self, label: &str) -> Option<&str> {
        lookup(&self.funds_rows, label).or_else(|| {
            label
                .strip_prefix("其中")
                .and_then(|rest| lookup(&self.funds_rows, rest))
        })
    }
    pub fn indicator_column(&self, label: &str) -> Option<&str> {
        lookup(&self.indicator_columns, label)
    }
    /// Any label this layout knows (a cell holding one is not a value).
    pub fn is_label(&self, label: &str) -> bool {
        self.field(label).is_some()
            || self.funds_column(label).is_some()
            || self.funds_row(label).is_some()
            || self.indicator_column(label).is_some()
            || self.closing_score.iter().any(|l| l == label)
            || matches!(label, "绩效指标" | "项目资金" | "资金来源")
    }
}

fn lookup<'a>(map: &'a [(String, String)], label: &str) -> Option<&'a str> {
    map.iter()
        .find(|(l, _)| l == label)
        .map(|(_, p)| p.as_str())
}

/// The built-in layouts, parsed once. A file that does not parse is left out
/// (the tests check that every one parses).
pub fn builtin() -> &'static [Layout] {
    use std::sync::OnceLock;
    static L: OnceLock<Vec<Layout>> = OnceLock::new();
    L.get_or_init(|| {
        let common = parse(COMMON).unwrap_or_default();
        LAYOUT_FILES
            .iter()
            .filter_map(|(_, text)| parse(text).ok())
            .map(|l| merge(l, &common))
            .collect()
    })
}

fn merge(mut l: Layout, common: &Layout) -> Layout {
    l.fields.extend(common.fields.iter().cloned());
    l.funds_columns.extend(common.funds_columns.iter().cloned());
    l.funds_rows.extend(common.funds_rows.iter().cloned());
    l.indicator_columns
        .extend(common.indicator_columns.iter().cloned());
    l.closing_score.extend(common.closing_score.iter().cloned());
    l.not_data.extend(common.not_data.iter().cloned());
    l
}

/// Parse one layout file.
pub fn parse(text: &str) -> Result<Layout, String> {
    let parsed = yaml::parse(text, yaml::Limits::default());
    if let Some(e) = parsed.error {
        return Err(format!("{:?}", e.kind));
    }
    let Some(root) = parsed.root else {
        return Err("empty layout".into());
    };
    let yaml::Yaml::Map(entries) = &root.yaml else {
        return Err("a layout is a mapping".into());
    };
    let mut l = Layout::default();
    for (k, v) in entries {
        let key = k.as_str().unwrap_or("");
        match key {
            "id" => l.id = scalar(v)?,
            "name" => l.name = scalar(v)?,
            "kind" => l.kind = scalar(v)?,
            "scope" => l.scope = Some(scalar(v)?),
            "annual_table" => l.annual_table = Some(norm(&scalar(v)?)),
            "detect" => {
                let yaml::Yaml::Seq(groups) = &v.yaml else {
                    return Err("detect: a list of label lists".into());
                };
                for g in groups {
                    l.detect.push(list(g)?);
                }
            }
            "reject" => l.reject = list(v)?,
            "title_contains" => l.title_contains = list(v)?,
            "closing_score" => l.closing_score = list(v)?,
            "not_data" => l.not_data = list(v)?,
            "fields" => l.fields = pairs(v)?,
            "funds_columns" => l.funds_columns = pairs(v)?,
            "funds_rows" => l.funds_rows = pairs(v)?,
            "indicator_columns" => l.indicator_columns = pairs(v)?,
            other => return Err(format!("unknown layout key `{other}`")),
        }
    }
    Ok(l)
}

fn scalar(v: &yaml::Node<'_>) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| "a text value expected".to_string())
}

fn list(v: &yaml::Node<'_>) -> Result<Vec<String>, String> {
    match &v.yaml {
        yaml::Yaml::Seq(items) => items.iter().map(|i| scalar(i).map(|s| norm(&s))).collect(),
        _ => Err("a list expected".into()),
    }
}

fn pairs(v: &yaml::Node<'_>) -> Result<Vec<(String, String)>, String> {
    match &v.yaml {
        yaml::Yaml::Map(es) => es
            .iter()
            .map(|(k, v)| Ok((norm(&scalar(k)?), scalar(v)?)))
            .collect(),
        _ => Err("a mapping expected".into()),
    }
}

/// A label as compared: no whitespace, half-width brackets and colons, no
/// `(A)`, `(B)`, `(B/A)`, `(万元)`, `(元)`, `(%)`, `(10分)` annotations, no
/// trailing colon, no leading `其中` colon.
pub fn norm(s: &str) -> String {
    let mut t: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '【' => '[',
            '】' => ']',
            _ => c,
        })
        .collect();
    // drop parenthesised annotations that are units, letters or points
    loop {
        let mut changed = false;
        let mut search = 0;
        while let Some(open) = t[search..].find('(').map(|i| i + search) {
            let Some(close) = t[open..].find(')').map(|i| i + open) else {
                break;
            };
            let inner = &t[open + 1..close];
            if is_annotation(inner) {
                t.replace_range(open..=close, "");
                changed = true;
                break;
            }
            search = close + 1;
        }
        if !changed {
            break;
        }
    }
    while t.ends_with(':') {
        t.pop();
    }
    if let Some(rest) = t.strip_prefix("其中:") {
        t = format!("其中{rest}");
    }
    t
}

fn is_annotation(inner: &str) -> bool {
    matches!(
        inner,
        "万元" | "元" | "%" | "A" | "B" | "C" | "B/A" | "A/B" | "百分比"
    ) || inner
        .strip_suffix('分')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_layout_parses() {
        parse(COMMON).expect("common.yaml");
        for (name, text) in LAYOUT_FILES {
            let l = parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!l.id.is_empty() && !l.detect.is_empty(), "{name}");
            assert!(
                matches!(l.kind.as_str(), "target" | "self-evaluation" | "summary"),
                "{name}"
            );
        }
        assert_eq!(builtin().len(), LAYOUT_FILES.len());
    }

    #[test]
    fn labels_compare_without_spacing_brackets_and_annotations() {
        assert_eq!(norm("项 目 名 称"), "项目名称");
        assert_eq!(norm("项目资金（万元）"), "项目资金");
        assert_eq!(norm("执行率(B/A)"), "执行率");
        assert_eq!(norm("预算执行情况(10分)"), "预算执行情况");
        assert_eq!(norm("其中：当年财政拨款"), "其中当年财政拨款");
        assert_eq!(norm("主管部门："), "主管部门");
        assert_eq!(norm("部门（单位）名称"), "部门(单位)名称");
        assert_eq!(norm("全年预算数（A）"), "全年预算数");
    }

    #[test]
    fn sources_named_by_level_of_government_are_funds_rows() {
        let l = &builtin()[0];
        for (label, key) in [
            ("中央资金", "central"),
            ("其中：中央补助资金", "central"),
            ("省级财政资金", "provincial"),
            ("其中:市级资金", "municipal"),
            ("县级资金", "county"),
            ("区级财政资金", "district"),
            ("本级资金", "same_level"),
            ("同级财政资金", "same_level"),
            ("地方资金", "local"),
            ("上级补助资金", "higher_level"),
            ("其中：当年财政拨款", "fiscal"),
        ] {
            assert_eq!(l.funds_row(&norm(label)), Some(key), "{label}");
        }
        assert_eq!(l.funds_row(&norm("其中：")), None);
        assert_eq!(l.funds_row(&norm("其中：乡级资金")), None);
    }
}
