//! The command line's own words in the run's language: `--help` and usage
//! errors are Chinese by default (as the diagnostics are) and English with
//! `--lang en` or `lang: en` in the config. clap's derive gives the English
//! texts; here the Chinese ones replace them, and clap's errors are
//! rewritten from their kind and context.

use crate::diag::Lang;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The language of a run, before its arguments are parsed: `--lang X`
/// (or `--lang=X`), else `lang:` in the config the run would read, else
/// Chinese.
pub fn lang_of(args: &[OsString]) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut config: Option<PathBuf> = None;
    let mut no_config = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let next = args.get(i + 1).map(String::as_str);
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Lang::parse(v).unwrap_or_default();
        }
        if a == "--lang" {
            return next.and_then(Lang::parse).unwrap_or_default();
        }
        if let Some(v) = a.strip_prefix("--config=") {
            config = Some(PathBuf::from(v));
        } else if a == "--config" {
            config = next.map(PathBuf::from);
        } else if a == "--no-config" {
            no_config = true;
        }
        i += 1;
    }
    if no_config {
        return Lang::default();
    }
    let Some(path) = config.or_else(|| crate::config::find(Path::new("."))) else {
        return Lang::default();
    };
    let Ok(text) = crate::fsio::read_capped(&path, crate::config::MAX_CONFIG_SIZE, "", "") else {
        return Lang::default();
    };
    crate::config::parse(&text, Some(&path), Lang::default())
        .ok()
        .and_then(|c| c.lang)
        .unwrap_or_default()
}

/// Chinese about texts of the subcommands.
const ABOUT_ZH: &[(&str, &str)] = &[
    ("check", "检查申报文件（文件或文件夹；默认当前文件夹）"),
    ("rules", "列出规则：编号、级别、标题、来源文件"),
    ("explain", "显示一条规则的标题、级别、帮助、依据和源文本"),
    ("report", "生成专家评审会用的评审材料"),
    ("import", "把工作簿中的表读成 check 所读的 YAML"),
    ("export", "把 YAML 申报文件写成官方表格（.xlsx）"),
    ("lsp", "通过标准输入输出为编辑器提供语言服务（LSP）"),
    ("test", "运行规则测试用例（给规则作者）"),
    (
        "completions",
        "输出命令行补全脚本（bash、zsh、fish、powershell）",
    ),
];

/// Chinese help of the arguments, by id (the same id means the same thing
/// in every subcommand, but for the few given per subcommand first).
const ARG_ZH: &[(&str, &str)] = &[
    ("check/paths", "要检查的文件或文件夹；- 表示从标准输入读取"),
    ("report/paths", "文件或文件夹"),
    ("test/paths", "用例文件或文件夹（默认 tests/cases）"),
    ("report/format", "评审材料的格式"),
    ("check/format", "输出格式"),
    ("report/output", "输出文件（默认标准输出）"),
    (
        "import/output",
        "输出的 YAML 文件，或每张表一个文件的文件夹（以 / 结尾或已存在）；默认标准输出（仅一张表）",
    ),
    ("export/output", "要写入的工作簿（.xlsx）"),
    ("book", "工作簿（.xlsx、.xls、.et、.ods），只读不写"),
    ("decl", "YAML 申报文件"),
    ("code", "规则编号，如 JX101"),
    ("shell", "外壳：bash、zsh、fish、powershell"),
    ("rules", "额外的规则文件或文件夹（加在内置规则之后）"),
    ("no_default_rules", "不加载内置规则"),
    ("config", "使用此配置文件，而不是最近的 .jixiao.yaml"),
    ("no_config", "不读取任何 .jixiao.yaml"),
    ("lang", "内置消息的语言（zh、en；也可写 cn、zh-CN、en-US）"),
    ("profile", "指标体系：legacy 或 mof2021（优先于配置）"),
    ("deny_warnings", "有警告时退出码也为 1"),
    ("baseline", "只报告不在此基线中的发现"),
    ("write_baseline", "把当前的发现记录为基线"),
    (
        "force_exclude",
        "命令行上点名的文件也按配置的 exclude 排除（同 ruff；pre-commit 会点名每个改动的文件）",
    ),
    (
        "skip_non_declarations",
        "点名的 YAML 文件若不是申报文件（没有已知的 kind）则跳过，而不报错（供 pre-commit 用）",
    ),
    (
        "stdin_filename",
        "从标准输入（-）读取的申报文件的名字：用于消息、查找配置和关联其他文件",
    ),
    (
        "select",
        "只用这些规则：编号或前缀，逗号分隔（JX3 即 JX300–JX399）",
    ),
    ("ignore", "不用这些规则：编号或前缀，逗号分隔"),
    ("statistics", "按规则统计发现的条数，而不逐条列出"),
    ("quiet", "只输出发现：不输出汇总行和提示"),
    ("output_file", "把报告（原子地）写入此文件，而不是标准输出"),
    (
        "color",
        "何时着色：auto 为输出到终端时（设了 NO_COLOR 则不着色，设了 FORCE_COLOR 则着色）",
    ),
    ("exit_zero", "有错误也以 0 退出（用于只出报告的任务）"),
    ("fix", "把发现中的安全修复就地写入文件"),
    ("unsafe_fixes", "也应用不安全的修复（会改变判断的修复）"),
    ("diff", "以统一差异格式显示修复，不写入任何文件"),
    ("strict", "没有找到任何申报文件时失败（退出码 2）"),
    ("show_files", "列出将要检查的文件，然后停止"),
    (
        "show_settings",
        "显示本次运行适用的设置（配置、规则、选用），然后停止",
    ),
    ("verbose", "每个用例都输出一行（默认即如此；为兼容保留）"),
    ("test/quiet", "只输出失败的用例和最后的统计"),
    (
        "junit_warnings",
        "--format junit 时警告和提示写成失败（failure）还是跳过（skipped）",
    ),
];

fn arg_zh(cmd: &str, id: &str) -> Option<&'static str> {
    let key = format!("{cmd}/{id}");
    ARG_ZH
        .iter()
        .find(|(k, _)| *k == key)
        .or_else(|| ARG_ZH.iter().find(|(k, _)| *k == id))
        .map(|(_, v)| *v)
}

/// The command in `lang`: for Chinese, every about and help text replaced,
/// and clap's English headings and flags (`Usage`, `Options`, `-h`,
/// `-V`) given in Chinese.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    let cmd = cmd
        .about("绩效目标与绩效自评的规则引擎和检查工具")
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本"),
        );
    zh(cmd, "")
}

const TEMPLATE_ZH: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

fn zh(mut cmd: Command, name: &str) -> Command {
    let own = cmd.get_name().to_owned();
    if let Some((_, about)) = ABOUT_ZH.iter().find(|(n, _)| *n == own) {
        cmd = cmd.about(*about).long_about(None);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let help = arg_zh(&own, &id);
        let positional = cmd
            .get_arguments()
            .find(|a| a.get_id() == id.as_str())
            .is_some_and(Arg::is_positional);
        cmd = cmd.mut_arg(id.as_str(), |a| {
            // clap's "[default: …] [possible values: …]" said in Chinese.
            let mut extra = Vec::new();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_owned())
                .collect();
            if !values.is_empty() && a.get_action().takes_values() {
                extra.push(format!("可选：{}", values.join("、")));
            }
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            if !defaults.is_empty() {
                extra.push(format!("默认：{}", defaults.join("、")));
            }
            let takes = a.get_action().takes_values();
            let mut a = a.help_heading(if positional { "参数" } else { "选项" });
            if takes {
                a = a.hide_possible_values(true).hide_default_value(true);
            }
            let help = help
                .map(str::to_owned)
                .or_else(|| a.get_help().map(ToString::to_string));
            if let Some(h) = help {
                let h = if extra.is_empty() {
                    h
                } else {
                    format!("{h}［{}］", extra.join("；"))
                };
                a = a.help(h).long_help(None);
            }
            a
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for sub in subs {
        let path = format!("{name} {own}");
        cmd = cmd.mut_subcommand(sub.as_str(), |c| zh(c, path.trim()));
    }
    cmd.help_template(TEMPLATE_ZH)
        .subcommand_help_heading("命令")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        )
}

fn context(e: &clap::Error, k: ContextKind) -> Option<String> {
    match e.get(k)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The command a run names (`jixiao check`), for "try --help".
pub fn command_path(args: &[OsString]) -> String {
    let sub = args
        .get(1)
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| ABOUT_ZH.iter().any(|(n, _)| n == a));
    match sub {
        Some(s) => format!("jixiao {s}"),
        None => "jixiao".to_owned(),
    }
}

/// A usage error in Chinese (`None`: not one to rewrite, e.g. `--help`);
/// `cmd` is the command named (`jixiao check`).
pub fn usage_error_zh(e: &clap::Error, cmd: &str) -> Option<String> {
    let c = |k| context(e, k).unwrap_or_default();
    let arg = c(ContextKind::InvalidArg);
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument => format!("未知的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            format!("未知的子命令“{}”", c(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue => {
            let v = c(ContextKind::InvalidValue);
            let mut m = if v.is_empty() {
                format!("参数 {arg} 缺少值")
            } else {
                format!("参数 {arg} 的值“{v}”无效")
            };
            let valid = c(ContextKind::ValidValue);
            if !valid.is_empty() {
                m += &format!("，可选：{valid}");
            }
            m
        }
        ErrorKind::ValueValidation => format!(
            "参数 {arg} 的值“{}”无效，可选：{}",
            c(ContextKind::InvalidValue),
            std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::ArgumentConflict if c(ContextKind::PriorArg).is_empty() => {
            format!("参数 {arg} 只能给一次")
        }
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", c(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues => {
            format!("参数 {arg} 的值太多：“{}”", c(ContextKind::InvalidValue))
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 须用 = 给值"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少子命令".to_owned()
        }
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        _ => {
            let en = e.to_string();
            let first = en.lines().next().unwrap_or("");
            first.strip_prefix("error: ").unwrap_or(first).to_owned()
        }
    };
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand]
        .into_iter()
        .filter_map(|k| context(e, k))
        .find(|s| !s.is_empty());
    if let Some(s) = suggested {
        msg += &format!("（是不是 {s}？）");
    } else if e.kind() == ErrorKind::UnknownArgument
        && let Some(v) = context(e, ContextKind::SuggestedValue)
    {
        msg += &format!("（如果要把“{v}”当作值，请写在 -- 之后）");
    }
    let usage = c(ContextKind::Usage);
    let usage = usage.trim();
    let usage = usage
        .strip_prefix("Usage:")
        .or_else(|| usage.strip_prefix("用法："))
        .unwrap_or(usage)
        .trim();
    let mut out = format!("错误：{msg}\n");
    if !usage.is_empty() {
        out += &format!("\n用法：{usage}\n");
    }
    out += &format!("\n更多信息请运行“{cmd} --help”。\n");
    Some(out)
}
