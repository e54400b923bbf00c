//! The declaration model: what rules see. A normalised tree with canonical keys
//! (every Chinese/English alias resolved), typed leaves (exact decimals, parsed
//! indicator values) and the byte span of every key and value; plus the
//! vocabularies of keys and of the indicator system per profile.

use crate::source::Span;
use crate::value::IndValue;
use rust_decimal::Decimal;
use std::fmt;

macro_rules! keys {
    ($($var:ident = $canon:literal $([$($alias:literal),*])?;)*) => {
        /// A canonical key of the model: a field name or an indicator dimension.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key { $($var),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$var),*];
            /// The canonical name (English for fields, Chinese for dimensions).
            pub fn name(self) -> &'static str {
                match self { $(Key::$var => $canon),* }
            }
            /// The other names the same key may be written as.
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $(Key::$var => &[$($($alias),*)?]),* }
            }
        }
    };
}

keys! {
    // fields of a declaration
    Kind = "kind" ["类型"];
    Year = "year" ["年度"];
    Project = "project" ["项目"];
    Name = "name" ["名称", "指标名称", "项目名称", "三级指标", "指标内容", "三级指标内容", "三级指标名称", "专项名称"];
    Code = "code" ["编码", "项目编码", "部门预算编码", "部门编码", "单位编码", "项目代码"];
    Department = "department" ["主管部门", "主管部门及代码", "预算部门", "项目主管部门", "主管预算部门", "主管单位", "部门名称", "部门（单位）名称", "部门(单位)名称", "单位名称", "预算单位", "一级单位名称"];
    Applicant = "applicant" ["申请单位", "资金申请单位"];
    Declarant = "declarant" ["申报单位", "目标申报单位", "填报单位"];
    Basis = "basis" ["立项依据", "取值依据", "依据", "项目立项依据", "专项立项依据"];
    Budget = "budget" ["预算"];
    Unit = "unit" ["单位", "度量单位", "计量单位"];
    Total = "total" ["全年预算数", "预算数", "年度资金总额", "资金总额", "项目资金总额", "年度资金申请总额", "项目预算金额", "调整后预算数", "全年预算"];
    Sources = "sources" ["资金来源"];
    GeneralPublic = "general_public" ["一般公共预算"];
    GovernmentFund = "government_fund" ["政府性基金", "政府性基金预算"];
    Other = "other" ["其他资金", "其他"];
    Executed = "executed" ["全年执行数", "执行数", "实际支出", "预算执行数", "全年执行"];
    ExecutionRate = "execution_rate" ["执行率", "预算执行率", "资金执行率"];
    UnderspendReason = "underspend_reason" ["未支出原因"];
    Goals = "goals" ["绩效目标"];
    Annual = "annual" ["年度目标", "总体目标", "年度总体目标", "年度绩效目标", "本年度绩效目标", "当年绩效目标", "项目年度目标"];
    Indicators = "indicators" ["绩效指标"];
    Target = "target" ["指标值", "目标值", "年度指标值", "年初目标值", "年初指标值", "指标值及单位", "年度数值", "年度目标值", "预期指标值", "当年预期实现值", "年初目标值(A)"];
    Actual = "actual" ["实际完成值", "实际值", "全年实际值", "全年完成值", "完成值", "全年实际完成值", "实际完成值(B)"];
    Weight = "weight" ["分值", "权重", "指标权重", "权重(分)", "分值(分)"];
    Score = "score" ["得分", "指标得分", "得分(分)"];
    Deviation = "deviation" ["偏差原因", "偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "未完成原因及拟采取的改进措施", "未完成原因和改进措施", "未达到指标值原因", "未完成原因", "偏差原因及改进措施", "偏差大或目标未完成原因分析"];
    Explanation = "explanation" ["指标解释", "指标值内容", "指标说明"];
    Standard = "standard" ["评分标准", "评(扣)分标准", "评（扣）分标准", "评扣分标准", "评(扣分标准)", "评（扣分标准）", "评分规则"];
    History = "history" ["历史值"];
    Measures = "measures" ["整改措施"];
    Waivers = "waivers" ["豁免"];
    Rule = "rule" ["规则"];
    Reason = "reason" ["理由"];
    ApprovedBy = "approved_by" ["批准"];
    // a waiver's `path`: the node or indicator it is limited to
    Path = "path" ["路径"];
    ProjectCount = "project_count" ["项目个数"];
    FullyExecuted = "fully_executed" ["全额执行项目"];
    Result = "result" ["自评结果"];
    Grade = "grade" ["等级"];
    // virtual fields the loader adds to every indicator: where it sits
    Level1 = "level1" ["一级指标", "一级"];
    Level2 = "level2" ["二级指标", "二级"];
    // fields of published forms (SPEC §1.1)
    Nature = "nature" ["指标性质", "符号", "指标值类型", "指标类型", "指标方向"];
    Points = "points" ["分数"];
    Initial = "initial" ["年初预算数", "年初预算"];
    Available = "available" ["到位数", "资金到位数"];
    Fiscal = "fiscal" ["财政拨款", "当年财政拨款", "本年财政拨款", "财政资金"];
    Carryover = "carryover" ["上年结转", "上年结转资金"];
    HigherLevel = "higher_level" ["上级资金", "上级补助", "上级补助资金", "上级财政资金", "上级财政补助资金", "上级专项资金", "上级转移支付资金"];
    Own = "own" ["单位资金", "自有资金"];
    SpecialAccount = "special_account" ["财政专户管理资金"];
    // sources named by the level of government whose money it is (tables that
    // split funds 中央 / 省级 / 市级 / 县级 / 区级 rather than 财政拨款 / 上级资金;
    // the bare level is the column head under 财政资金 of the 湖南 专项 form)
    Central = "central" ["中央", "中央资金", "中央补助资金", "中央财政资金", "中央财政补助资金", "中央补助", "中央专项资金", "中央预算内资金", "中央财政衔接资金", "中央补助安排", "中央财政安排"];
    Provincial = "provincial" ["省级", "省级资金", "省级财政资金", "省级补助资金", "省级财政补助资金", "省级补助", "省级专项资金", "省财政资金", "省级预算内资金", "省级财政安排", "省级补助安排"];
    Municipal = "municipal" ["市级", "市级资金", "市级财政资金", "市级补助资金", "市级补助", "市财政资金", "市本级资金", "市级配套资金", "州级资金", "州级财政资金", "市级财政安排", "市级补助安排"];
    County = "county" ["县级", "县级资金", "县级财政资金", "县财政资金", "县本级资金", "县级配套资金", "县级自筹资金", "县级财政安排"];
    District = "district" ["区级", "区级资金", "区级财政资金", "区财政资金", "区本级资金", "区级配套资金", "区级财政安排"];
    SameLevel = "same_level" ["本级", "本级资金", "本级财政资金", "本级配套资金", "同级财政资金", "同级资金"];
    // 地方资金: money of the local governments together, beside 中央资金
    Local = "local" ["地方资金", "地方财政资金", "地方配套资金"];
    Implementer = "implementer" ["实施单位", "项目实施单位", "项目执行单位", "具体实施单位", "项目单位"];
    Leader = "leader" ["项目负责人", "专项负责人", "项目负责人及电话"];
    Period = "period" ["项目期", "实施期限", "项目起止时间", "专项起止时间", "实施周期", "项目实施期"];
    Attribute = "attribute" ["项目属性", "专项属性"];
    LongTerm = "long_term" ["中长期目标", "长期目标", "中长期绩效目标", "项目总目标", "长期绩效目标"];
    Achieved = "achieved" ["年度目标实际完成情况", "实际完成情况", "年度目标完成情况", "年度总体目标完成情况"];
    Conclusion = "conclusion" ["评价结论"];
    Problems = "problems" ["存在问题"];
    Notes = "notes" ["其他需要说明事项"];
    Scope = "scope" ["范围"];
    // a department-wide budget by kind of spending (部门整体 tables)
    BasicExpenditure = "basic_expenditure" ["基本支出"];
    ProjectExpenditure = "project_expenditure" ["项目支出"];
    // printed fields of the forms that no rule reads: loaded, not JX002
    Overview = "overview" ["项目概况", "专项概况", "项目概述", "项目基本情况"];
    Content = "content" ["项目实施内容", "项目实施内容及过程概述", "实施内容"];
    Duties = "duties" ["部门职能", "部门职能概述", "单位职能概述", "职能职责概述", "部门职责"];
    Contact = "contact" ["联系人", "联系人及电话"];
    Phone = "phone" ["联系电话", "电话"];
    Category = "category" ["项目类别", "项目分类"];
    ProjectType = "project_type" ["项目类型"];
    FundUse = "fund_use" ["资金用途"];
    FundNature = "fund_nature" ["资金性质"];
    // an indicator row's 备注 column
    Remark = "remark" ["备注"];
    // columns of the 重庆 部门整体绩效自评表: the adjusted target beside the
    // initial one, the score as a share of the weight, the core-indicator mark
    AdjustedTarget = "adjusted_target" ["调整指标值", "调整后指标值", "全年(调整)指标值"];
    ScoreRate = "score_rate" ["得分系数", "得分系数(%)"];
    Core = "core" ["是否核心指标"];
    // the indicator system (Chinese canonical, English aliases)
    Output = "产出指标" ["output", "产出", "项目产出", "项目完成指标"];
    Quantity = "数量指标" ["quantity"];
    Quality = "质量指标" ["quality"];
    Timeliness = "时效指标" ["timeliness", "进度指标"];
    Cost = "成本指标" ["cost"];
    EconomicCost = "经济成本指标" ["economic_cost"];
    SocialCost = "社会成本指标" ["social_cost"];
    EcologicalCost = "生态环境成本指标" ["ecological_cost", "environmental_cost"];
    Benefit = "效益指标" ["benefit", "效果指标", "效益", "项目效益", "项目效益指标"];
    Economic = "经济效益指标" ["economic"];
    Social = "社会效益指标" ["social"];
    Ecological = "生态效益指标" ["ecological", "环境效益指标", "生态环境效益指标"];
    Sustainability = "可持续影响指标" ["sustainability"];
    Satisfaction = "满意度指标" ["satisfaction"];
    ServiceSatisfaction = "服务对象满意度指标" ["service_satisfaction", "社会公众或服务对象满意度指标", "服务对象满意度"];
    // department-wide and evaluation frameworks: known, loaded, not counted
    // as output, benefit or satisfaction (SPEC §1.1)
    Input = "投入指标" ["input", "投入", "决策", "决策指标", "项目决策"];
    Process = "过程指标" ["process", "过程", "项目过程", "项目管理", "管理指标"];
    BudgetExecution = "预算执行" ["budget_execution"];
    FundManagement = "资金管理" ["fund_management"];
    BudgetPreparation = "预算编制" ["budget_preparation"];
    Organisation = "组织实施" ["organisation"];
    Management = "管理情况" ["management"];
    // a dimension the profile does not know (JX006): its indicators are kept
    // under it, with `level1`/`level2` as written
    OtherDimension = "其他指标" ["other_dimension"];
}

impl Key {
    /// The key written as `name`, canonical or alias (dimensions included).
    /// A field printed with the `其中：` that introduces a breakdown
    /// (`其中：中央资金`, `其中:当年财政拨款`) is that field.
    pub fn lookup(name: &str) -> Option<Key> {
        use std::collections::HashMap;
        use std::sync::OnceLock;
        static TABLE: OnceLock<HashMap<&'static str, Key, FastHash>> = OnceLock::new();
        let table = TABLE.get_or_init(|| {
            let mut m = HashMap::with_hasher(FastHash);
            for &k in Key::ALL {
                m.insert(k.name(), k);
                for a in k.aliases() {
                    m.insert(*a, k);
                }
            }
            m
        });
        table.get(name).copied().or_else(|| {
            let rest = name
                .strip_prefix("其中")?
                .trim_start_matches([':', '：', ' ', '\u{3000}']);
            table.get(rest).copied().filter(|k| !k.is_dimension())
        })
    }

    pub fn is_dimension(self) -> bool {
        self >= Key::Output
    }
}

/// A small, fast, non-cryptographic hasher (FNV-1a) for the fixed key table:
/// the keys are ours, not attacker-chosen, so SipHash's protection buys nothing.
#[derive(Clone, Copy, Default)]
pub struct FastHash;

pub struct Fnv(u64);

impl std::hash::BuildHasher for FastHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Target,
    SelfEvaluation,
    Summary,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Target, Kind::SelfEvaluation, Kind::Summary];
    pub fn name(self) -> &'static str {
        match self {
            Kind::Target => "target",
            Kind::SelfEvaluation => "self-evaluation",
            Kind::Summary => "summary",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Target => "绩效目标",
            Kind::SelfEvaluation => "绩效自评",
            Kind::Summary => "汇总",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s || k.zh() == s)
            .or(match s {
                "self_evaluation" | "selfevaluation" | "绩效自评表" | "自评" => {
                    Some(Kind::SelfEvaluation)
                }
                "绩效目标申报表" | "目标申报" => Some(Kind::Target),
                _ => None,
            })
    }
}

/// The indicator system in force (DOMAIN.md "Indicator system: two profiles").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    #[default]
    Legacy,
    Mof2021,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Legacy => "legacy",
            Profile::Mof2021 => "mof2021",
        }
    }
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "legacy" => Some(Profile::Legacy),
            "mof2021" => Some(Profile::Mof2021),
            _ => None,
        }
    }

    /// The 一级 dimensions, in table order.
    pub fn level1(self) -> &'static [Key] {
        match self {
            Profile::Legacy => &[Key::Output, Key::Benefit, Key::Satisfaction],
            Profile::Mof2021 => &[Key::Output, Key::Cost, Key::Benefit, Key::Satisfaction],
        }
    }

    /// Whether `k` is a 一级 here: the profile's own, or 投入指标/过程指标 of
    /// department-wide tables and evaluation frameworks (SPEC §1.1), which load
    /// but count as none of 产出, 效益, 满意度.
    pub fn is_level1(self, k: Key) -> bool {
        self.level1().contains(&k) || matches!(k, Key::Input | Key::Process)
    }

    /// The 二级 dimensions a 一级 may hold; `None` if `l1` is not a 一级 here.
    pub fn level2(self, l1: Key) -> Option<&'static [Key]> {
        use Key::*;
        Some(match (self, l1) {
            (Profile::Legacy, Output) => &[
                Quantity,
                Quality,
                Timeliness,
                Cost,
                EconomicCost,
                SocialCost,
                EcologicalCost,
            ],
            (Profile::Mof2021, Output) => &[Quantity, Quality, Timeliness],
            (Profile::Mof2021, Cost) => &[EconomicCost, SocialCost, EcologicalCost],
            (_, Benefit) => &[Economic, Social, Ecological, Sustainability],
            (_, Satisfaction) => &[ServiceSatisfaction],
            (_, Input | Process) => &[
                BudgetExecution,
                FundManagement,
                BudgetPreparation,
                Organisation,
                Management,
            ],
            _ => return None,
        })
    }
}

/// An exact decimal; `percent` when written with `%` (then it holds the fraction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    pub value: Decimal,
    pub percent: bool,
}

impl fmt::Display for Num {
    /// As written: the scale is kept (`260.15`, `1200.50`); a percent prints as one (`34.7%`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.percent {
            let mut p = self.value * Decimal::ONE_HUNDRED;
            p.rescale(self.value.scale().saturating_sub(2));
            write!(f, "{p}%")
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// A value in the model.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Map(Vec<Entry>),
    List(Vec<Node>),
    Text(Box<str>),
    Num(Num),
    /// A parsed `target`/`actual`/`history`.
    Ind(Box<IndValue>),
    Bool(bool),
    /// An empty value (`key:` with nothing after it).
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value's extent (a collection reaches its last child).
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub key_span: Span,
    pub node: Node,
}

impl Node {
    pub fn new(span: Span, value: Value) -> Node {
        Node { span, value }
    }
    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: Key) -> Option<&Entry> {
        match &self.value {
            Value::Map(es) => es.iter().find(|e| e.key == key),
            _ => None,
        }
    }
    pub fn get(&self, key: Key) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }
    /// Follow a chain of keys.
    pub fn path(&self, keys: &[Key]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, &k| n.get(k))
    }
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Text(t) => Some(t),
            Value::Ind(v) => Some(&v.text),
            Value::Null => Some(""),
            _ => None,
        }
    }
    pub fn num(&self) -> Option<Decimal> {
        match &self.value {
            Value::Num(n) => Some(n.value),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(es) => es,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }
    /// Every third-level indicator, with its 一级 and 二级 keys, in table order.
    pub fn indicators(&self) -> impl Iterator<Item = (Key, Key, &Node)> {
        self.get(Key::Indicators)
            .into_iter()
            .flat_map(|t| t.entries())
            .flat_map(|l1| {
                l1.node
                    .entries()
                    .iter()
                    .flat_map(move |l2| l2.node.items().iter().map(move |i| (l1.key, l2.key, i)))
            })
    }
}

/// One loaded document: a target declaration, self-evaluation or summary.
#[derive(Clone, Debug)]
pub struct Doc {
    pub kind: Kind,
    pub year: Option<i32>,
    pub root: Node,
}

impl Doc {
    pub fn text_at(&self, keys: &[Key]) -> Option<&str> {
        self.root.path(keys).and_then(Node::text)
    }
    /// The department: `project.department` for projects, top-level for summaries.
    pub fn department(&self) -> Option<&str> {
        match self.kind {
            Kind::Summary => self.text_at(&[Key::Department]),
            _ => self.text_at(&[Key::Project, Key::Department]),
        }
    }
    pub fn project_name(&self) -> Option<&str> {
        self.text_at(&[Key::Project, Key::Name])
    }
    pub fn project_code(&self) -> Option<&str> {
        self.text_at(&[Key::Project, Key::Code])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_resolve_aliases_both_ways() {
        assert_eq!(Key::lookup("全年预算数"), Some(Key::Total));
        assert_eq!(Key::lookup("total"), Some(Key::Total));
        assert_eq!(Key::lookup("quantity"), Some(Key::Quantity));
        assert_eq!(Key::lookup("数量指标"), Some(Key::Quantity));
        assert_eq!(Key::lookup("nope"), None);
        assert!(Key::Quantity.is_dimension() && !Key::Level2.is_dimension());
        // a breakdown's 其中
        assert_eq!(Key::lookup("其中：中央资金"), Some(Key::Central));
        assert_eq!(Key::lookup("其中:当年财政拨款"), Some(Key::Fiscal));
        assert_eq!(Key::lookup("其中 上年结转资金"), Some(Key::Carryover));
        assert_eq!(Key::lookup("其中：产出指标"), None);
        assert_eq!(Key::lookup("其中"), None);
    }

    #[test]
    fn numbers_print_as_written() {
        let n = |s: &str, percent| Num {
            value: Decimal::from_str_exact(s).unwrap(),
            percent,
        };
        assert_eq!(n("1200.50", false).to_string(), "1200.50");
        assert_eq!(n("0.347", true).to_string(), "34.7%");
        assert_eq!(n("0.95", true).to_string(), "95%");
        assert_eq!(n("1", true).to_string(), "100%");
    }
}
