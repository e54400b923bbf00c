//! Deterministic corpus generator for benchmarks: realistic declarations
//! (SPEC.md §1 YAML), a Rust port of the peers' `bench/gen.py`.
//!
//! ```sh
//! cargo run --release --example gen -- OUT N [--seed S]
//! ```
//!
//! Writes `OUT/decl-00001.yaml` … and `OUT/expected.tsv` (file, then 0/1 for
//! each of the five bench defects B001–B005). File `i` depends only on
//! `(seed, i)`, so a smaller corpus is a prefix of a larger one. Each file has
//! 15–40 indicators (3–5 KB of mostly Chinese text, 60 % in flow style); about
//! 30 % carry one or two defects, the rest are meant to be clean under the
//! default rules (the generator keeps over-achievement under 120 % so JX405
//! stays quiet). Unlike gen.py, project codes are unique per file
//! (`CDJY-2023-00042`): unrelated projects never share a code, so no
//! self-evaluation is matched to a stranger's target.
//!
//! Defects, and the default rule that reports each:
//! B001 fewer than 6 三级 (JX101) · B002 产出 lacks 成本指标 (JX102) ·
//! B003 a 三级 lacks its target (JX201) · B004 sources ≠ total (JX301) ·
//! B005 weights given but ≠ 90 (JX211).
//!
//! Check: `jixiao check --format json OUT > out.json` then
//! `bench/tally.py jixiao-default jixiao-default out.json OUT/expected.tsv`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const CODES: [&str; 5] = ["B001", "B002", "B003", "B004", "B005"];

// ---- a small deterministic PRNG -------------------------------------------------

/// splitmix64: tiny, fast, and good enough to shuffle a benchmark corpus.
struct Rng(u64);

impl Rng {
    /// The stream of file `i` under `seed`: independent of every other file.
    fn for_file(seed: u64, i: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6A09_E667_F3BC_C908);
        r.0 = r.next().wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    /// A decimal uniform in `lo..=hi`, with four decimals (a ratio).
    fn ratio(&mut self, lo: &str, hi: &str) -> Decimal {
        let (lo, hi) = (
            dec(lo) * Decimal::from(10_000),
            dec(hi) * Decimal::from(10_000),
        );
        let (lo, hi) = (to_i64(lo), to_i64(hi));
        Decimal::new(self.range(lo, hi), 4)
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    /// `k` distinct elements in random order (`k` capped at the length).
    fn sample<T: Copy>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..xs.len()).collect();
        let k = k.min(xs.len());
        for j in 0..k {
            let r = j + self.below(xs.len() - j);
            idx.swap(j, r);
        }
        idx[..k].iter().map(|&j| xs[j]).collect()
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (j, &w) in weights.iter().enumerate() {
            if r < w {
                return j;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

// ---- decimals ------------------------------------------------------------------

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn to_i64(d: Decimal) -> i64 {
    d.trunc().to_i64().unwrap_or(0)
}

/// Round half up (away from zero) to `dp` decimals, keeping that scale.
fn q(x: Decimal, dp: u32) -> Decimal {
    let mut r = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// As written in YAML: no exponent, no trailing zeros.
fn num(x: Decimal) -> String {
    x.normalize().to_string()
}

// ---- vocabulary --------------------------------------------------------------

/// 主管部门, code prefix, applicants (= declarants).
const DEPTS: &[(&str, &str, &[&str])] = &[
    (
        "承德市教育局",
        "CDJY",
        &["承德市第一中学", "承德市实验小学", "承德市教育局"],
    ),
    (
        "承德市民政局",
        "CDMZ",
        &["承德市社会福利院", "承德市民政局"],
    ),
    (
        "承德市卫生健康委员会",
        "CDWJ",
        &["承德市疾病预防控制中心", "承德市中心医院"],
    ),
    (
        "承德市交通运输局",
        "CDJT",
        &["承德市公路养护中心", "承德市交通运输局"],
    ),
    (
        "承德市农业农村局",
        "CDNY",
        &["承德市农业技术推广站", "承德市农业农村局"],
    ),
    (
        "承德市生态环境局",
        "CDHB",
        &["承德市环境监测站", "承德市生态环境局"],
    ),
    (
        "承德市住房和城乡建设局",
        "CDZJ",
        &["承德市市政设施管理处", "承德市住房和城乡建设局"],
    ),
    (
        "承德市人力资源和社会保障局",
        "CDRS",
        &["承德市就业服务中心", "承德市人力资源和社会保障局"],
    ),
    (
        "承德市文化广电和旅游局",
        "CDWL",
        &["承德市图书馆", "承德市群众艺术馆"],
    ),
    (
        "承德高新区社区管理办公室",
        "CDGX",
        &["承德高新区社区管理办公室"],
    ),
];
const AREAS: &[&str] = &[
    "",
    "双桥区",
    "双滦区",
    "鹰手营子矿区",
    "滨河社区",
    "高新区",
    "农村",
    "城区",
];
const TOPICS: &[&str] = &[
    "居家养老服务",
    "中小学校舍维修改造",
    "农村公路养护",
    "社区网格化建设",
    "河道综合治理",
    "公共文化场馆免费开放",
    "就业技能培训补贴",
    "高标准农田建设",
    "老旧小区改造",
    "污水处理设施运维",
    "应急物资储备",
    "基层医疗机构设备购置",
    "森林防火能力建设",
    "困难群众临时救助",
    "创建文明城市",
    "智慧校园平台建设",
    "垃圾分类示范",
];
const SUFFIX: &[&str] = &["项目", "专项资金", "工程", "补助资金"];

/// How an indicator's values are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Cnt,
    Pct,
    Money,
    Date,
    Days,
    UCost,
    Cost,
    Zero,
    Qual,
}

/// (name, kind, unit — or the wording of a qualitative target, lo, hi).
type Spec = (&'static str, K, &'static str, i64, i64);

/// A 二级 and its pool of indicators.
type Dim = (&'static str, &'static [Spec]);

/// 一级 → 二级 → pool of indicators.
const POOLS: &[(&str, &[Dim])] = &[
    (
        "产出指标",
        &[
            (
                "数量指标",
                &[
                    ("培训人次", K::Cnt, "人次", 200, 8000),
                    ("服务对象人数", K::Cnt, "人", 100, 5000),
                    ("覆盖社区数量", K::Cnt, "个", 5, 60),
                    ("发放补贴户数", K::Cnt, "户", 100, 3000),
                    ("采购设备数量", K::Cnt, "台", 10, 500),
                    ("维修改造面积", K::Cnt, "平方米", 500, 20000),
                    ("道路养护里程", K::Cnt, "公里", 10, 300),
                    ("开展宣传活动场次", K::Cnt, "场", 5, 120),
                    ("印发宣传材料", K::Cnt, "份", 1000, 50000),
                    ("日常巡查次数", K::Cnt, "次", 50, 1000),
                    ("新建服务站点", K::Cnt, "个", 2, 30),
                    ("检测样本数量", K::Cnt, "份", 200, 5000),
                    ("入户走访户数", K::Cnt, "户", 200, 6000),
                    ("举办培训班期数", K::Cnt, "期", 2, 40),
                    ("招聘服务人员", K::Cnt, "人", 5, 100),
                    ("子项目数量", K::Cnt, "个", 2, 25),
                ],
            ),
            (
                "质量指标",
                &[
                    ("验收合格率", K::Pct, "%", 95, 100),
                    ("服务达标率", K::Pct, "%", 90, 98),
                    ("设备完好率", K::Pct, "%", 95, 99),
                    ("服务流程合规率", K::Pct, "%", 100, 100),
                    ("培训考核合格率", K::Pct, "%", 85, 98),
                    ("工程质量合格率", K::Pct, "%", 100, 100),
                    ("数据准确率", K::Pct, "%", 95, 99),
                    ("补贴发放准确率", K::Pct, "%", 100, 100),
                    ("档案资料完整率", K::Pct, "%", 95, 100),
                    ("问题整改完成率", K::Pct, "%", 90, 100),
                ],
            ),
            (
                "时效指标",
                &[
                    ("项目完成时间", K::Date, "", 10, 12),
                    ("开工时间", K::Date, "", 3, 6),
                    ("服务响应及时率", K::Pct, "%", 95, 100),
                    ("补贴发放时间", K::Date, "", 6, 12),
                    ("设备采购完成时间", K::Date, "", 4, 9),
                    ("问题整改时限", K::Days, "天", 7, 30),
                    ("培训完成时间", K::Date, "", 6, 11),
                    ("年度验收时间", K::Date, "", 11, 12),
                ],
            ),
            (
                "成本指标",
                &[
                    ("单位服务成本", K::UCost, "元/人次", 20, 300),
                    ("设备购置成本", K::Cost, "万元", 10, 40),
                    ("人员经费", K::Cost, "万元", 10, 30),
                    ("运营维护成本", K::Cost, "万元", 5, 20),
                    ("人均补助标准", K::UCost, "元/人", 200, 3000),
                    ("单位面积改造成本", K::UCost, "元/平方米", 100, 1500),
                    ("每期培训成本", K::UCost, "元/期", 5000, 50000),
                    ("宣传费用", K::Cost, "万元", 1, 5),
                ],
            ),
        ],
    ),
    (
        "效益指标",
        &[
            (
                "经济效益指标",
                &[
                    ("带动就业人数", K::Cnt, "人", 10, 500),
                    ("带动农户增收", K::Money, "万元", 10, 500),
                    ("节约财政资金", K::Money, "万元", 5, 100),
                    ("拉动社会投资", K::Money, "万元", 50, 2000),
                    ("受益企业数量", K::Cnt, "家", 5, 200),
                    ("新增产值", K::Money, "万元", 20, 1000),
                ],
            ),
            (
                "社会效益指标",
                &[
                    ("群众知晓率", K::Pct, "%", 85, 95),
                    ("服务覆盖率", K::Pct, "%", 85, 98),
                    ("受益人口数量", K::Cnt, "人", 500, 50000),
                    ("安全事故发生次数", K::Zero, "起", 0, 0),
                    ("政策落实到位率", K::Pct, "%", 95, 100),
                    ("困难群众救助覆盖率", K::Pct, "%", 90, 100),
                    ("就业困难人员帮扶率", K::Pct, "%", 85, 98),
                    ("群众投诉办结率", K::Pct, "%", 95, 100),
                ],
            ),
            (
                "生态效益指标",
                &[
                    ("污水处理率", K::Pct, "%", 85, 98),
                    ("生活垃圾无害化处理率", K::Pct, "%", 95, 100),
                    ("绿化覆盖率", K::Pct, "%", 30, 45),
                    ("空气质量优良天数比例", K::Pct, "%", 70, 85),
                    ("节能减排量", K::Cnt, "吨", 50, 2000),
                    ("水土流失治理面积", K::Cnt, "亩", 500, 10000),
                ],
            ),
            (
                "可持续影响指标",
                &[
                    ("设施设备使用年限", K::Cnt, "年", 5, 20),
                    ("项目效益持续年限", K::Cnt, "年", 3, 10),
                    ("长效管护机制建立情况", K::Qual, "建立并运行", 0, 0),
                    ("服务机制常态化运行", K::Qual, "常态化运行", 0, 0),
                    ("档案管理规范化", K::Qual, "规范管理", 0, 0),
                ],
            ),
        ],
    ),
    (
        "满意度指标",
        &[(
            "服务对象满意度指标",
            &[
                ("服务对象满意度", K::Pct, "%", 85, 95),
                ("受益群众满意度", K::Pct, "%", 85, 95),
                ("参训人员满意度", K::Pct, "%", 85, 95),
                ("社会公众满意度", K::Pct, "%", 85, 95),
                ("受益单位满意度", K::Pct, "%", 85, 95),
            ],
        )],
    ),
];
/// DOMAIN.md weights per 一级 (+10 for budget execution).
const SHARES: &[(&str, i64)] = &[("产出指标", 50), ("效益指标", 30), ("满意度指标", 10)];
const DEVIATIONS: &[&str] = &[
    "受天气影响施工进度滞后，已调整实施计划",
    "部分对象资格审核未通过，实际人数少于计划",
    "资金到位时间晚于计划，部分采购延至次年",
    "线下活动受场地限制，场次少于计划",
];
const UNDERSPEND: &[&str] = &[
    "部分工程尾款按合同约定于竣工验收后支付",
    "政府采购流程较长，合同于年底签订",
    "财政资金未全部拨付到位",
    "项目实施进度滞后，资金结转下年使用",
];
const MEASURES: &[&str] = &[
    "加强项目进度管理，按月调度资金支付进度",
    "提前开展政府采购准备，确保资金及时支出",
    "建立项目台账，逐月跟踪绩效目标完成情况",
];

fn pool(l1: &str, l2: &str) -> &'static [Spec] {
    POOLS
        .iter()
        .filter(|(a, _)| *a == l1)
        .flat_map(|(_, l2s)| l2s.iter())
        .find(|(b, _)| *b == l2)
        .map_or(&[][..], |&(_, specs)| specs)
}

// ---- the document --------------------------------------------------------------

/// A 三级 indicator.
struct Ind {
    name: &'static str,
    kind: K,
    unit: &'static str,
    /// `≥`, `≤`, `=` or none (qualitative).
    upper: bool,
    /// The target's number (dates: unused).
    a: Decimal,
    /// The target's date (year, month, day), for K::Date.
    date: (i32, u32, u32),
    target: Option<String>,
    actual: Option<String>,
    weight: Option<Decimal>,
    score: Option<Decimal>,
    deviation: Option<&'static str>,
}

type Table = Vec<(&'static str, Vec<(&'static str, Vec<Ind>)>)>;

struct Doc {
    kind: &'static str,
    year: i32,
    project: Vec<(&'static str, String)>,
    total: Decimal,
    sources: Vec<(&'static str, Decimal)>,
    executed: Option<(Decimal, String, Option<&'static str>)>,
    goal: String,
    table: Table,
    measures: Option<&'static str>,
}

fn make_indicator(spec: Spec, year: i32, total: Decimal, rng: &mut Rng) -> Ind {
    let (name, kind, unit, lo, hi) = spec;
    let mut ind = Ind {
        name,
        kind,
        unit,
        upper: false,
        a: Decimal::ZERO,
        date: (year, 0, 0),
        target: None,
        actual: None,
        weight: None,
        score: None,
        deviation: None,
    };
    let target = match kind {
        K::Cnt => {
            let v = Decimal::from(rng.range(lo, hi));
            ind.a = v;
            match rng.below(3) {
                0 => format!("≥ {v} {unit}"),
                1 => format!("不少于{v}{unit}"),
                _ => format!("≥{v}{unit}"),
            }
        }
        K::Pct | K::Money => {
            let mut v = Decimal::from(rng.range(lo, hi));
            if kind == K::Money && rng.below(3) == 2 {
                v = q(v * dec("1.5"), 0);
            }
            ind.a = v;
            let sp = if unit == "%" { "" } else { " " };
            if unit == "%" && v == Decimal::ONE_HUNDRED {
                "= 100%".to_owned()
            } else if rng.below(2) == 0 {
                format!("≥ {v}{sp}{unit}")
            } else {
                format!("不低于{v}{sp}{unit}")
            }
        }
        K::Date => {
            let m = rng.range(lo, hi) as u32;
            let d = if matches!(m, 4 | 6 | 9 | 11) { 30 } else { 31 };
            ind.upper = true;
            ind.date = (year, m, d);
            format!("≤ {year}-{m:02}-{d:02}")
        }
        K::Days | K::UCost => {
            let v = Decimal::from(rng.range(lo, hi));
            ind.upper = true;
            ind.a = v;
            if rng.below(2) == 0 {
                format!("≤ {v} {unit}")
            } else {
                format!("不超过{v}{unit}")
            }
        }
        K::Cost => {
            // A share of the budget total (lo..hi percent): all costs stay under it.
            let v = q(
                total * Decimal::from(rng.range(lo, hi)) / Decimal::ONE_HUNDRED,
                2,
            );
            ind.upper = true;
            ind.a = v;
            if rng.below(2) == 0 {
                format!("≤ {} 万元", num(v))
            } else {
                format!("不超过{}万元", num(v))
            }
        }
        K::Zero => format!("= 0 {unit}"),
        K::Qual => unit.to_owned(),
    };
    ind.target = Some(target);
    ind
}

/// Self-evaluation: the actual value, the score by DOMAIN.md's formula, and a
/// deviation reason when short.
fn evaluate(ind: &mut Ind, rng: &mut Rng) {
    let (kind, unit, a) = (ind.kind, ind.unit, ind.a);
    let short = matches!(kind, K::Cnt | K::Pct | K::Money) && a > Decimal::ZERO && rng.chance(0.12);
    // The achieved fraction as actual / target, kept apart so the score is
    // weight × actual / target rounded once (as the formula does).
    let mut frac = (Decimal::ONE, Decimal::ONE);
    match kind {
        K::Date => {
            let (y, m, d) = ind.date;
            let day = d - rng.range(0, 20) as u32;
            ind.actual = Some(format!("{y}-{m:02}-{day:02}"));
        }
        K::Qual => {
            ind.actual = Some("达成年度指标".to_owned());
        }
        K::Zero => {
            ind.actual = Some(format!("0 {unit}"));
        }
        _ if ind.upper => {
            let dp = if kind == K::Cost { 2 } else { 0 };
            let b = q(a * rng.ratio("0.8", "1.0"), dp);
            ind.actual = Some(format!("{} {unit}", num(b)));
        }
        _ => {
            let r = if short {
                rng.ratio("0.6", "0.97")
            } else {
                rng.ratio("1.0", "1.15")
            };
            let mut b = q(a * r, if kind == K::Pct { 1 } else { 0 });
            if kind == K::Pct {
                b = b.min(Decimal::ONE_HUNDRED);
            }
            if !short {
                b = b.max(a);
                // 120 % and more needs a reason (JX405): keep clean files clean.
                if b * Decimal::from(5) >= a * Decimal::from(6) {
                    b = a;
                }
            }
            let sp = if unit == "%" { "" } else { " " };
            ind.actual = Some(format!("{}{sp}{unit}", num(b)));
            if b < a {
                frac = (b, a);
            }
        }
    }
    if let Some(w) = ind.weight {
        let s = q(w * frac.0 / frac.1, 2);
        ind.score = Some(if s == w { w } else { s });
        if s < w {
            ind.deviation = Some(rng.pick(DEVIATIONS));
        }
    }
}

/// `k` indicators over `dims` (each ≥ 1, each ≤ its pool), biased by weights.
fn alloc(
    l1: &'static str,
    dims: &[&'static str],
    k: usize,
    rng: &mut Rng,
    weights: Option<&[u32]>,
) -> Vec<((&'static str, &'static str), usize)> {
    let mut counts: Vec<usize> = vec![1; dims.len()];
    for _ in dims.len()..k {
        let free: Vec<usize> = (0..dims.len())
            .filter(|&j| counts[j] < pool(l1, dims[j]).len())
            .collect();
        if free.is_empty() {
            break;
        }
        let w: Vec<u32> = free
            .iter()
            .map(|&j| weights.map_or(1, |ws| ws[j]))
            .collect();
        counts[free[rng.weighted(&w)]] += 1;
    }
    dims.iter().map(|&d| (l1, d)).zip(counts).collect()
}

/// Weights add up to 90: 产出 50, 效益 30, 满意度 10 (a missing 一级's share goes
/// to 产出); 15 % of tables use half points.
fn assign_weights(table: &mut Table, rng: &mut Rng) {
    let mut shares: Vec<i64> = table
        .iter()
        .map(|(l1, _)| SHARES.iter().find(|(s, _)| s == l1).map_or(0, |&(_, w)| w))
        .collect();
    let missing = 90 - shares.iter().sum::<i64>();
    if let Some(j) = table.iter().position(|(l1, _)| *l1 == "产出指标") {
        shares[j] += missing;
    }
    let half = rng.chance(0.15);
    for ((_, l2s), share) in table.iter_mut().zip(shares) {
        let n = l2s.iter().map(|(_, v)| v.len()).sum::<usize>();
        if n == 0 {
            continue;
        }
        let units = share * if half { 2 } else { 1 };
        let mut parts = vec![units / n as i64; n];
        let idx: Vec<usize> = (0..n).collect();
        for j in rng.sample(&idx, (units % n as i64) as usize) {
            parts[j] += 1;
        }
        let inds = l2s.iter_mut().flat_map(|(_, v)| v.iter_mut());
        for (ind, p) in inds.zip(parts) {
            let p = Decimal::from(p);
            ind.weight = Some(if half { p / Decimal::TWO } else { p });
        }
    }
}

/// Split a total into `k` positive parts with `dp` decimals.
fn split(total: Decimal, dp: u32, k: usize, rng: &mut Rng) -> Vec<Decimal> {
    let step = Decimal::new(1, dp);
    let mut parts: Vec<Decimal> = (1..k)
        .map(|_| q(total * rng.ratio("0.1", "0.9") / Decimal::from(k), dp).max(step))
        .collect();
    let rest = total - parts.iter().sum::<Decimal>();
    parts.push(rest);
    parts
}

fn goal(pname: &str, table: &Table, rng: &mut Rng) -> String {
    let qty: Vec<String> = table
        .iter()
        .filter(|(l1, _)| *l1 == "产出指标")
        .flat_map(|(_, l2s)| l2s.iter())
        .filter(|(l2, _)| *l2 == "数量指标")
        .flat_map(|(_, v)| v.iter().take(3))
        .map(|x| format!("{}{}{}", x.name, num(x.a), x.unit))
        .collect();
    let done = if qty.is_empty() {
        "全部建设任务".to_owned()
    } else {
        qty.join("、")
    };
    let better = rng.pick(&["群众生产生活条件", "基本公共服务水平", "城乡人居环境"]);
    let sat = rng.pick(&[85, 90, 95]);
    format!(
        "围绕{pname}，严格按照项目实施方案和资金管理办法组织实施，年内完成{done}，\
         工程和服务质量达到相关标准，项目按期通过验收，资金使用规范、支付及时；\
         通过项目实施，改善{better}，服务对象满意度不低于{sat}%，建立长效管护机制，保障项目效益持续发挥。"
    )
}

/// File `i`: the document, its injected defects, and whether indicators are
/// written in flow style.
fn make_file(i: u64, seed: u64) -> (Doc, Vec<&'static str>, bool) {
    let mut rng = Rng::for_file(seed, i);
    let mut defects: Vec<&'static str> = Vec::new();
    if rng.chance(0.30) {
        let k = if rng.chance(0.6) { 1 } else { 2 };
        defects = rng.sample(&CODES, k);
    }
    let has = |c: &str| defects.contains(&c);
    let kind = rng.pick(&[
        "target",
        "target",
        "self-evaluation",
        "self-evaluation",
        "self-evaluation",
    ]);
    let year = rng.range(2021, 2024) as i32;
    let (dept, abbr, applicants) = rng.pick(DEPTS);
    let applicant = rng.pick(applicants);
    let pname = format!(
        "{}{}{}",
        rng.pick(AREAS),
        rng.pick(TOPICS),
        rng.pick(SUFFIX)
    );
    let dp = rng.pick(&[0, 0, 1, 2]);
    let total = q(Decimal::new(rng.range(500, 200_000), 2), dp); // 5–2000 万元

    // The indicator table: how many under each 二级.
    let n = if has("B001") {
        rng.range(4, 5) as usize
    } else {
        rng.range(15, 40) as usize
    };
    let mut plan: Vec<((&str, &str), usize)> = Vec::new();
    if has("B001") {
        plan.extend(pool_dims("产出指标").map(|d| (("产出指标", d), 1)));
        if n == 5 {
            plan.push((("满意度指标", "服务对象满意度指标"), 1));
        }
    } else {
        let sat = rng.range(1, 3) as usize;
        let mut ben_dims = vec!["社会效益指标"];
        let extra = rng.range(1, 3) as usize;
        ben_dims.extend(rng.sample(&["经济效益指标", "生态效益指标", "可持续影响指标"], extra));
        let share = rng.ratio("0.25", "0.35");
        let ben = to_i64(q(Decimal::from(n - sat) * share, 0)) as usize;
        let ben = ben.max(ben_dims.len());
        let out = n - sat - ben;
        plan.push((("满意度指标", "服务对象满意度指标"), sat));
        plan.extend(alloc("效益指标", &ben_dims, ben, &mut rng, None));
        let out_dims: Vec<&str> = pool_dims("产出指标").collect();
        plan.extend(alloc(
            "产出指标",
            &out_dims,
            out,
            &mut rng,
            Some(&[5, 3, 2, 2]),
        ));
    }
    if has("B002") {
        plan.retain(|(k, _)| *k != ("产出指标", "成本指标"));
    }
    let mut table: Table = Vec::new();
    for &(l1, l2s) in POOLS {
        let mut row = Vec::new();
        for &(l2, specs) in l2s {
            let Some(&(_, count)) = plan.iter().find(|(k, _)| *k == (l1, l2)) else {
                continue;
            };
            let inds = rng
                .sample(specs, count)
                .into_iter()
                .map(|s| make_indicator(s, year, total, &mut rng))
                .collect();
            row.push((l2, inds));
        }
        if !row.is_empty() {
            table.push((l1, row));
        }
    }

    let weighted = kind == "self-evaluation" || has("B005") || rng.chance(0.5);
    if weighted {
        assign_weights(&mut table, &mut rng);
        if has("B005") {
            let n = count_inds(&table);
            let j = rng.below(n);
            let add = Decimal::from(rng.pick(&[1, 2, 3, 5, 10]));
            if let Some(ind) = inds_mut(&mut table).nth(j) {
                ind.weight = ind.weight.map(|w| w + add);
            }
        }
    }
    if kind == "self-evaluation" {
        for ind in inds_mut(&mut table) {
            evaluate(ind, &mut rng);
        }
    }
    if has("B003") {
        let n = count_inds(&table);
        let idx: Vec<usize> = (0..n).collect();
        let k = rng.range(1, 2) as usize;
        let drop = rng.sample(&idx, k);
        for (j, ind) in inds_mut(&mut table).enumerate() {
            if drop.contains(&j) {
                ind.target = None;
            }
        }
    }

    // Budget: sources add up to the total exactly (in decimals).
    let mut keys = vec!["general_public"];
    let extra = rng.pick(&[0, 0, 0, 1, 1, 2]);
    keys.extend(rng.sample(&["government_fund", "other"], extra));
    let parts = split(total, dp, keys.len(), &mut rng);
    let mut sources: Vec<(&str, Decimal)> = keys.into_iter().zip(parts).collect();
    if has("B004") {
        let k = rng.below(sources.len());
        let delta = dec(rng.pick(&["0.01", "0.5", "1", "5", "10"]));
        let sign = if rng.below(2) == 0 {
            Decimal::ONE
        } else {
            Decimal::NEGATIVE_ONE
        };
        let s = &mut sources[k].1;
        *s += delta * sign;
        if *s <= Decimal::ZERO {
            *s = s.abs() + Decimal::ONE;
        }
    }
    let code = format!("{abbr}-{year}-{i:05}");
    let basis = format!("承市财预〔{}〕{} 号", year - 1, rng.range(3, 120));
    let project = vec![
        ("name", pname.clone()),
        ("code", code),
        ("department", dept.to_owned()),
        ("applicant", applicant.to_owned()),
        ("declarant", applicant.to_owned()),
        ("basis", basis),
    ];
    let goal = goal(&pname, &table, &mut rng);
    let mut executed = None;
    let mut measures = None;
    if kind == "self-evaluation" {
        let rate = if rng.chance(0.3) {
            Decimal::ONE
        } else {
            rng.ratio("0.62", "0.995")
        };
        let ex = q(total * rate, 4);
        let pct = q(ex / total * Decimal::ONE_HUNDRED, 1);
        let reason = if ex < total {
            measures = Some(rng.pick(MEASURES));
            Some(rng.pick(UNDERSPEND))
        } else {
            None
        };
        executed = Some((ex, format!("{}%", num(pct)), reason));
    }
    let flow = rng.chance(0.6);
    let doc = Doc {
        kind,
        year,
        project,
        total,
        sources,
        executed,
        goal,
        table,
        measures,
    };
    (doc, defects, flow)
}

fn pool_dims(l1: &str) -> impl Iterator<Item = &'static str> + '_ {
    POOLS
        .iter()
        .filter(move |(a, _)| *a == l1)
        .flat_map(|(_, l2s)| l2s.iter().map(|(l2, _)| *l2))
}

fn count_inds(t: &Table) -> usize {
    t.iter()
        .flat_map(|(_, l2s)| l2s.iter())
        .map(|(_, v)| v.len())
        .sum()
}

fn inds_mut(t: &mut Table) -> impl Iterator<Item = &mut Ind> {
    t.iter_mut()
        .flat_map(|(_, l2s)| l2s.iter_mut())
        .flat_map(|(_, v)| v.iter_mut())
}

fn inds(t: &Table) -> impl Iterator<Item = &Ind> {
    t.iter()
        .flat_map(|(_, l2s)| l2s.iter())
        .flat_map(|(_, v)| v.iter())
}

/// The five checks, recomputed from the finished document (independent of the
/// bookkeeping that injected them).
fn recheck(d: &Doc) -> Vec<&'static str> {
    let all: Vec<&Ind> = inds(&d.table).collect();
    let output: Vec<&str> = d
        .table
        .iter()
        .filter(|(l1, _)| *l1 == "产出指标")
        .flat_map(|(_, l2s)| l2s.iter().filter(|(_, v)| !v.is_empty()).map(|(l2, _)| *l2))
        .collect();
    let weights: Vec<Decimal> = all.iter().filter_map(|x| x.weight).collect();
    let sources: Decimal = d.sources.iter().map(|(_, v)| *v).sum();
    let flags = [
        all.len() < 6,
        ["数量指标", "质量指标", "时效指标", "成本指标"]
            .iter()
            .any(|k| !output.contains(k)),
        all.iter().any(|x| x.target.is_none()),
        sources != d.total,
        !weights.is_empty() && weights.iter().sum::<Decimal>() != Decimal::from(90),
    ];
    CODES
        .iter()
        .zip(flags)
        .filter(|(_, bad)| *bad)
        .map(|(c, _)| *c)
        .collect()
}

fn dump(d: &Doc, flow: bool) -> String {
    let mut o = String::with_capacity(6 * 1024);
    let _ = writeln!(o, "kind: {}\nyear: {}\nproject:", d.kind, d.year);
    for (k, v) in &d.project {
        let _ = writeln!(o, "  {k}: {v}");
    }
    let _ = writeln!(
        o,
        "budget:\n  unit: 万元\n  total: {}\n  sources:",
        num(d.total)
    );
    for (k, v) in &d.sources {
        let _ = writeln!(o, "    {k}: {}", num(*v));
    }
    if let Some((ex, rate, reason)) = &d.executed {
        let _ = writeln!(o, "  executed: {}\n  execution_rate: {rate}", num(*ex));
        if let Some(r) = reason {
            let _ = writeln!(o, "  underspend_reason: {r}");
        }
    }
    let _ = writeln!(o, "goals:\n  annual: {}\nindicators:", d.goal);
    for (l1, l2s) in &d.table {
        let _ = writeln!(o, "  {l1}:");
        for (l2, list) in l2s {
            let _ = writeln!(o, "    {l2}:");
            for ind in list {
                let mut kv: Vec<(&str, String)> = vec![("name", ind.name.to_owned())];
                kv.extend(ind.target.clone().map(|t| ("target", t)));
                kv.extend(ind.actual.clone().map(|t| ("actual", t)));
                kv.extend(ind.weight.map(|w| ("weight", num(w))));
                kv.extend(ind.score.map(|s| ("score", num(s))));
                kv.extend(ind.deviation.map(|s| ("deviation", s.to_owned())));
                if flow {
                    let body: Vec<String> = kv.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    let _ = writeln!(o, "      - {{ {} }}", body.join(", "));
                } else {
                    for (j, (k, v)) in kv.iter().enumerate() {
                        let lead = if j == 0 { "      - " } else { "        " };
                        let _ = writeln!(o, "{lead}{k}: {v}");
                    }
                }
            }
        }
    }
    if let Some(m) = d.measures {
        let _ = writeln!(o, "measures: {m}");
    }
    o
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo run --release --example gen -- OUT N [--seed S]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pos: Vec<&str> = Vec::new();
    let mut seed: u64 = 1;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--seed" {
            match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => return usage(),
            }
        } else if let Some(s) = a.strip_prefix("--seed=") {
            match s.parse() {
                Ok(s) => seed = s,
                Err(_) => return usage(),
            }
        } else {
            pos.push(a);
        }
    }
    let [out, n] = pos[..] else {
        return usage();
    };
    let Ok(n) = n.parse::<u64>() else {
        return usage();
    };
    match generate(Path::new(out), n, seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One generated file: its name, its YAML text and its injected defects
/// (B00x, sorted). Also used by the criterion benches (`benches/common`).
pub fn render(i: u64, seed: u64) -> Result<(String, String, Vec<&'static str>), String> {
    let (doc, mut defects, flow) = make_file(i, seed);
    let name = format!("decl-{i:05}.yaml");
    defects.sort_unstable();
    let got = recheck(&doc);
    if got != defects {
        return Err(format!(
            "{name}: injected {defects:?} but the file has {got:?}"
        ));
    }
    Ok((name, dump(&doc, flow), defects))
}

fn generate(out: &Path, n: u64, seed: u64) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut rows = format!("file\t{}\n", CODES.join("\t"));
    for i in 1..=n {
        let (name, text, defects) = render(i, seed)?;
        let path: PathBuf = out.join(&name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        let flags: Vec<&str> = CODES
            .iter()
            .map(|c| if defects.contains(c) { "1" } else { "0" })
            .collect();
        let _ = writeln!(rows, "{name}\t{}", flags.join("\t"));
    }
    let tsv = out.join("expected.tsv");
    std::fs::write(&tsv, rows).map_err(|e| format!("{}: {e}", tsv.display()))
}
