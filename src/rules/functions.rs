//! The rule language's function registry: one entry per function with its
//! name, arity, one line of documentation in Chinese and English, and its
//! implementation over the evaluated arguments (a slice). Compilation checks
//! names and arities against it (with a "did you mean"), evaluation
//! dispatches through it, and `docs/rules.md` lists it.

use super::eval::{
    Canon, Eval, IndRef, NodeRef, Val, agrees, as_ind, as_num, as_text, canonical, collection,
    indicator, iter_items,
};
use crate::model::{FastHash, Key, Node, Num, Value};
use crate::score;
use crate::value::{self, Quantity};
use rust_decimal::{Decimal, RoundingStrategy};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// Most arguments any function takes (the evaluator passes them on the stack).
pub const MAX_ARITY: usize = 2;

/// What a function computes from its evaluated arguments (as many as the
/// call gave, within the entry's arity).
pub type Imp = for<'a> fn(&mut Eval<'a>, &[Val<'a>]) -> Val<'a>;

/// One function of the rule language.
pub struct Function {
    pub name: &'static str,
    /// Fewest and most arguments.
    pub min: usize,
    pub max: usize,
    /// The call as documented (`round(x, n)`).
    pub signature: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub imp: Imp,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Function {
    /// `1` or `1–2`: the arity as documented.
    pub fn arity(&self) -> String {
        if self.min == self.max {
            self.min.to_string()
        } else {
            format!("{}–{}", self.min, self.max)
        }
    }
}

/// The function named `name`.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

macro_rules! functions {
    ($($name:literal $sig:literal $min:literal..$max:literal $imp:ident, $zh:literal, $en:literal;)*) => {
        /// Every function, in the order the documentation lists them.
        pub static FUNCTIONS: &[Function] = &[
            $(Function {
                name: $name,
                min: $min,
                max: $max,
                signature: $sig,
                zh: $zh,
                en: $en,
                imp: $imp,
            }),*
        ];
    };
}

functions! {
    "count" "count(list)" 1..1 count,
        "列表或映射的项数（缺失时为 0）",
        "number of items of a list or mapping (0 when missing)";
    "sum" "sum(list)" 1..1 sum,
        "列表中数字的精确和（跳过缺失项；空列表为 0）",
        "exact sum of the numbers of a list (missing items skipped; 0 when empty)";
    "min" "min(list) | min(a, b)" 1..2 min,
        "列表或两个数中最小的数（空列表时无定义）",
        "smallest number of a list, or of two numbers (undefined when empty)";
    "max" "max(list) | max(a, b)" 1..2 max,
        "列表或两个数中最大的数（空列表时无定义）",
        "largest number of a list, or of two numbers (undefined when empty)";
    "exists" "exists(path)" 1..1 exists,
        "路径存在（空值也算存在；通配符得到空列表则不存在）",
        "the path is present (an empty value is present; an empty wildcard list is not)";
    "len" "len(x)" 1..1 len,
        "文字的字符数，列表的项数",
        "characters of a text, items of a list";
    "distinct" "distinct(list)" 1..1 distinct,
        "去掉重复值后的列表",
        "the list without repeats";
    "duplicates" "duplicates(list)" 1..1 duplicates,
        "出现不止一次的值",
        "the values that occur more than once";
    "round" "round(x, n)" 1..2 round,
        "四舍五入到 n 位小数（默认 0）",
        "round half-up to n decimals (default 0)";
    "percent" "percent(x, n)" 1..2 percent,
        "把比例写成百分数文字，四舍五入到 n 位小数：percent(0.19726, 1) 为 19.7%",
        "a fraction as a percentage text, half-up to n decimals: percent(0.19726, 1) is 19.7%";
    "agrees" "agrees(reported, computed)" 2..2 agrees_fn,
        "computed 按 reported 写出的小数位四舍五入后等于 reported",
        "computed rounded half-up to the decimals written in reported equals it";
    "matches" "matches(text, regex)" 2..2 matches,
        "正则表达式在文字中某处匹配",
        "the regular expression matches somewhere in the text";
    "year" "year(date)" 1..1 year,
        "日期的年份",
        "the year of a date";
    "amount" "amount(x)" 1..1 amount,
        "以万元计的金额：amount(\"1,500,000 元\") 为 150",
        "money in 万元: amount(\"1,500,000 元\") is 150";
    "quantitative" "quantitative(value)" 1..1 quantitative,
        "指标值含数字、百分数、日期或区间",
        "an indicator value has a number, percentage, date or range";
    "number" "number(value)" 1..1 number,
        "指标值中的数字（百分数为比例）",
        "the number of an indicator value (a percentage as a fraction)";
    "unit" "unit(value)" 1..1 unit,
        "指标值的单位（百分数为 %）；计量单位一格（如 ind.unit）则为它写的单位（百分比为 %，“-”为没有）",
        "the unit of an indicator value (% for percentages); of a unit cell (such as ind.unit), the unit it names (百分比 is %, “-” none)";
    "comparator" "comparator(value)" 1..1 comparator,
        "写出的比较符：≥ > ≤ < =（没有时为 \"\"）",
        "the comparator written: ≥ > ≤ < = (\"\" when none)";
    "quantity" "quantity(value)" 1..1 quantity,
        "指标值的类别：number、percent、date、range 或 qualitative",
        "what a value measures: number, percent, date, range or qualitative";
    "met" "met(indicator) | met(target, actual)" 1..2 met,
        "实际完成值达到指标值",
        "the actual satisfies the target";
    "score" "score(indicator) | score(budget)" 1..1 score_fn,
        "按 10号文公式计算的指标得分；score(budget) 为预算执行率得分（10 分）",
        "the 10号 formula score of an indicator; score(budget): the execution score (10 points)";
    "ratio" "ratio(indicator)" 1..1 ratio,
        "≥、> 和 = 指标的 实际 / 目标（超额程度）",
        "actual / target for ≥, > and = targets (over-achievement)";
    "grade" "grade(total)" 1..1 grade,
        "总分的等级：优 ≥ 90，良 ≥ 80，中 ≥ 60，差",
        "the grade of a total score: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差";
    "key" "key(x)" 1..1 key,
        "值所在的键（某个维度列表的二级指标名）",
        "the key a value sits under (the 二级 name of a dimension's list)";
}

fn arg<'v, 'a>(args: &'v [Val<'a>], i: usize) -> &'v Val<'a> {
    const UNDEF: &Val<'static> = &Val::Undef;
    args.get(i).unwrap_or(UNDEF)
}

fn num<'a>(n: Decimal) -> Val<'a> {
    Val::Num(Num {
        value: n,
        percent: false,
    })
}

fn count<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let first = arg(args, 0);
    match iter_items(first) {
        Some(items) => num(Decimal::from(items.len())),
        None if matches!(first, Val::Undef) => num(Decimal::ZERO),
        None => match first {
            Val::Node(n) if matches!(n.node.value, Value::Null) => num(Decimal::ZERO),
            _ => Val::Undef,
        },
    }
}

fn sum<'a>(ev: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let first = arg(args, 0);
    let Some(items) = iter_items(first) else {
        return if matches!(first, Val::Undef) {
            num(Decimal::ZERO)
        } else {
            Val::Undef
        };
    };
    let mut total = Decimal::ZERO;
    for it in items {
        if matches!(it, Val::Undef) {
            continue;
        }
        let Some(n) = as_num(&it) else {
            return Val::Undef;
        };
        match total.checked_add(n.value) {
            Some(t) => total = t,
            None => {
                ev.overflowed = true;
                return Val::Undef;
            }
        }
    }
    num(total.normalize())
}

fn extreme<'a>(args: &[Val<'a>], min: bool) -> Val<'a> {
    let items: Vec<Val<'a>> = if args.len() == 2 {
        args.to_vec()
    } else {
        collection(arg(args, 0)).unwrap_or_default()
    };
    let mut best: Option<Num> = None;
    for it in &items {
        let Some(n) = as_num(it) else {
            return Val::Undef;
        };
        best = Some(match best {
            None => n,
            Some(b) if min == (n.value < b.value) => n,
            Some(b) => b,
        });
    }
    best.map_or(Val::Undef, Val::Num)
}

fn min<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    extreme(args, true)
}

fn max<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    extreme(args, false)
}

fn exists<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    Val::Bool(match arg(args, 0) {
        Val::Undef => false,
        Val::Multi(items) => !items.is_empty(),
        _ => true,
    })
}

fn len<'a>(ev: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match arg(args, 0) {
        v @ (Val::Str(_)
        | Val::Node(NodeRef {
            node:
                Node {
                    value: Value::Text(_) | Value::Ind(_) | Value::Null,
                    ..
                },
            ..
        })) => as_text(v).map_or(Val::Undef, |s| {
            ev.charge_text(&s);
            num(Decimal::from(s.chars().count()))
        }),
        v => iter_items(v).map_or(Val::Undef, |i| num(Decimal::from(i.len()))),
    }
}

/// First occurrences in order, with how often each occurs.
fn occurrences<'a>(v: &Val<'a>) -> Option<Vec<(usize, Val<'a>)>> {
    let items = collection(v)?;
    let mut seen: HashMap<Canon<'a>, usize, FastHash> =
        HashMap::with_capacity_and_hasher(items.len(), FastHash);
    let mut order: Vec<(usize, Val<'a>)> = Vec::with_capacity(items.len());
    for it in items {
        let next = order.len();
        let slot = *seen.entry(canonical(&it)).or_insert(next);
        if slot == next {
            order.push((1, it));
        } else {
            order[slot].0 += 1;
        }
    }
    Some(order)
}

fn distinct<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match occurrences(arg(args, 0)) {
        Some(order) => Val::List(Rc::new(order.into_iter().map(|(_, v)| v).collect())),
        None => Val::Undef,
    }
}

fn duplicates<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match occurrences(arg(args, 0)) {
        Some(order) => Val::List(Rc::new(
            order
                .into_iter()
                .filter(|(n, _)| *n > 1)
                .map(|(_, v)| v)
                .collect(),
        )),
        None => Val::Undef,
    }
}

/// The decimals asked for: the second argument, 0 when not given.
fn decimals(args: &[Val<'_>]) -> Option<u32> {
    match args.get(1) {
        Some(v) => digits(v),
        None => Some(0),
    }
}

fn digits(v: &Val<'_>) -> Option<u32> {
    let n = as_num(v)?;
    if n.value.scale() > 0 && !n.value.fract().is_zero() {
        return None;
    }
    u32::try_from(n.value.trunc().mantissa())
        .ok()
        .filter(|d| *d <= 20)
}

fn round<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let (Some(n), Some(dp)) = (as_num(arg(args, 0)), decimals(args)) else {
        return Val::Undef;
    };
    // A computed number prints without trailing zeros (SPEC §2):
    // round(12, 2) is 12, not 12.00; percent() is for fixed digits.
    let v = n
        .value
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    Val::Num(Num {
        value: v,
        percent: n.percent,
    })
}

fn percent<'a>(ev: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let (Some(n), Some(dp)) = (as_num(arg(args, 0)), decimals(args)) else {
        return Val::Undef;
    };
    let Some(p) = n.value.checked_mul(Decimal::ONE_HUNDRED) else {
        ev.overflowed = true;
        return Val::Undef;
    };
    let mut p = p.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    p.rescale(dp);
    Val::Str(Cow::Owned(format!("{p}%")))
}

fn agrees_fn<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match (as_num(arg(args, 0)), as_num(arg(args, 1))) {
        (Some(rep), Some(comp)) => Val::Bool(agrees(rep.value, comp.value)),
        _ => Val::Undef,
    }
}

fn matches<'a>(ev: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match (as_text(arg(args, 0)), as_text(arg(args, 1))) {
        (Some(t), Some(p)) => match ev.regex(&p) {
            Some(re) => {
                ev.charge_text(&t);
                Val::Bool(re.is_match(&t))
            }
            None => Val::Undef,
        },
        _ => Val::Undef,
    }
}

fn year<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match arg(args, 0) {
        Val::Num(n) => Val::Num(*n),
        Val::Node(NodeRef {
            node: Node {
                value: Value::Num(n),
                ..
            },
            ..
        }) => Val::Num(*n),
        v => match as_ind(v).as_deref().map(|i| &i.quantity) {
            Some(Quantity::Date(d)) => num(Decimal::from(d.year)),
            _ => Val::Undef,
        },
    }
}

fn amount<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match arg(args, 0) {
        v @ (Val::Num(_)
        | Val::Node(NodeRef {
            node: Node {
                value: Value::Num(_),
                ..
            },
            ..
        })) => as_num(v).map_or(Val::Undef, |n| num(n.value)),
        Val::Str(s) => match crate::amount::parse_amount(s) {
            Ok((d, Some(_))) => num(d.normalize()),
            _ => match value::parse(s).ok().and_then(|i| i.in_wan()) {
                Some(d) => num(d.normalize()),
                None => Val::Undef,
            },
        },
        v => match as_ind(v).and_then(|i| i.in_wan()) {
            Some(d) => num(d.normalize()),
            None => Val::Undef,
        },
    }
}

fn quantitative<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    as_ind(arg(args, 0)).map_or(Val::Undef, |i| Val::Bool(i.is_quantitative()))
}

fn number<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let first = arg(args, 0);
    match as_ind(first).as_deref().map(|i| &i.quantity) {
        Some(Quantity::Number(d)) => num(*d),
        Some(Quantity::Percent(d)) => Val::Num(Num {
            value: *d,
            percent: true,
        }),
        _ => match first {
            v @ Val::Num(_) => v.clone(),
            _ => Val::Undef,
        },
    }
}

fn unit<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    // A text cell of the document with no figure, comparator or placeholder
    // mark (a 计量单位 cell such as `ind.unit`, not a value that failed to
    // parse such as `≧ %`): the unit it names, normalised as the loader reads it.
    if let Val::Node(n) = arg(args, 0)
        && let Value::Text(t) = &n.node.value
        && !t.contains(|c: char| c.is_ascii_digit() || "≥≤<>=≧≦＝﹦═XxＸｘ×*＊".contains(c))
        && !value::parse(t).is_ok_and(|i| i.is_quantitative())
    {
        return crate::load::unit_of(t).map_or(Val::Undef, |u| Val::Str(Cow::Owned(u.into())));
    }
    match as_ind(arg(args, 0)) {
        Some(Cow::Borrowed(i)) => i
            .unit
            .as_deref()
            .map_or(Val::Undef, |u| Val::Str(Cow::Borrowed(u))),
        Some(Cow::Owned(i)) => i
            .unit
            .map_or(Val::Undef, |u| Val::Str(Cow::Owned(u.into()))),
        None => Val::Undef,
    }
}

fn comparator<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match as_ind(arg(args, 0)) {
        Some(i) if i.is_quantitative() => Val::Str(Cow::Borrowed(i.cmp.map_or("", |c| c.symbol()))),
        _ => Val::Undef,
    }
}

fn quantity<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match as_ind(arg(args, 0)).as_deref().map(|i| &i.quantity) {
        Some(q) => Val::Str(Cow::Borrowed(match q {
            Quantity::Number(_) => "number",
            Quantity::Percent(_) => "percent",
            Quantity::Date(_) => "date",
            Quantity::Range { .. } => "range",
            Quantity::Qualitative => "qualitative",
        })),
        None => Val::Undef,
    }
}

fn met<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let (t, a, cost) = if args.len() == 2 {
        (as_ind(&args[0]), as_ind(&args[1]), false)
    } else {
        match indicator(arg(args, 0)) {
            Some(ind) => (ind.target, ind.actual, ind.cost),
            None => return Val::Undef,
        }
    };
    match (t, a) {
        (Some(t), Some(a)) => score::met(&t, &a, cost).map_or(Val::Undef, Val::Bool),
        _ => Val::Undef,
    }
}

fn score_fn<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    let v = arg(args, 0);
    if let Some(ind) = indicator(v) {
        let (Some(t), Some(a), Some(w)) = (ind.target, ind.actual, ind.weight) else {
            return Val::Undef;
        };
        return score::indicator_score(&t, &a, w, ind.cost, ind.reported).map_or(Val::Undef, num);
    }
    let Val::Node(n) = v else { return Val::Undef };
    match (
        n.node.get(Key::Executed).and_then(Node::num),
        n.node.get(Key::Total).and_then(Node::num),
    ) {
        (Some(e), Some(t)) => score::execution_score(e, t).map_or(Val::Undef, num),
        _ => Val::Undef,
    }
}

fn ratio<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match indicator(arg(args, 0)) {
        Some(IndRef {
            target: Some(t),
            actual: Some(a),
            cost,
            ..
        }) => score::overshoot_ratio(&t, &a, cost).map_or(Val::Undef, |r| num(r.normalize())),
        _ => Val::Undef,
    }
}

fn grade<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match as_num(arg(args, 0)) {
        Some(n) => Val::Str(Cow::Borrowed(score::grade(n.value).as_str())),
        None => Val::Undef,
    }
}

fn key<'a>(_: &mut Eval<'a>, args: &[Val<'a>]) -> Val<'a> {
    match arg(args, 0) {
        Val::Node(NodeRef {
            key: Some((k, _)), ..
        }) => Val::Str(Cow::Borrowed(k.name())),
        _ => Val::Undef,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_arities_fit_the_evaluator() {
        for (i, f) in FUNCTIONS.iter().enumerate() {
            assert!(f.min <= f.max && f.max <= MAX_ARITY, "{}", f.name);
            assert!(
                FUNCTIONS[..i].iter().all(|g| g.name != f.name),
                "{} twice",
                f.name
            );
            assert!(f.signature.starts_with(f.name), "{}", f.name);
            assert!(!f.zh.is_empty() && !f.en.is_empty(), "{}", f.name);
        }
        assert_eq!(lookup("round").map(Function::arity).as_deref(), Some("1–2"));
        assert_eq!(lookup("agrees").map(Function::arity).as_deref(), Some("2"));
        assert!(lookup("cuont").is_none());
    }
}
