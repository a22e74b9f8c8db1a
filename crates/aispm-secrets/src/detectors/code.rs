//! Source control, CI, package registries and infrastructure automation: tokens that
//! can push code, publish packages (a supply-chain compromise) or read every secret of
//! a deployment.

use super::shape;
use crate::assign;
use crate::detector::{
    BASE, Boundary, CandidateSink, Confidence, ContextRule, Detector, Family, Matcher, Site,
    Verdict,
};
use crate::noise;
use crate::text;

const fn context(words: &'static [&'static str], lines: usize) -> Matcher {
    Matcher::Context(ContextRule { words, lines })
}

/// GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens carry a CRC32 of their random part;
/// a token whose checksum does not hold was never issued.
fn github_classic(token: &str, _: &Site<'_>) -> Verdict {
    if !shape::crc32_checksum_ok(token) {
        return Verdict::Reject;
    }
    let t = match &token[..4] {
        "ghp_" => "personal-access-token",
        "gho_" => "oauth-access-token",
        "ghu_" => "user-to-server-token",
        "ghs_" => "server-to-server-token",
        "ghr_" => "refresh-token",
        _ => "token",
    };
    Verdict::high()
        .with("token_type", t)
        .with("checksum", "valid")
}

pub static GITHUB_CLASSIC: Detector = Detector {
    id: "github-token",
    kind: "github-token",
    family: Family::CodeAndRegistry,
    title: "GitHub token",
    keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: r"gh[pousr]_[A-Za-z0-9]{36}",
    prefix: "ghp_",
    check: Some(github_classic),
    positives: &[
        concat!(
            "github.token=ghp_38aIBnYY",
            "URLgfB0eKJkw",
            "reHBIgJLVH4S",
            "Hsvv"
        ),
        concat!(
            "GH_TOKEN: gho_KtP3skqo",
            "O6cD6RVAU5Kh",
            "VrWmZZUvTy19",
            "QOXJ"
        ),
        concat!(
            "token = \"ghs_KWmjfRcF",
            "z4u2eQKnK6Se",
            "R6F4GuY0bq0B",
            "lRMC\""
        ),
        concat!(
            "refresh_token=ghr_8deOfOGn",
            "cai3aO3PXtNh",
            "YF6T5yDiNG11",
            "PxXI"
        ),
        concat!(
            "GITHUB_TOKEN=ghu_bAvBvjbm",
            "qkNy8Qs0bfN7",
            "bWPKz01bzg1I",
            "nmVx"
        ),
    ],
    negatives: &[
        "default_token: ghp_000000000000000000000000000000000000",
        concat!(
            "GITHUB_TOKEN=ghp_IJQrd2Gs",
            "o6JdMoeknuft",
            "Jw1AIbULKI1y",
            "wnLQ"
        ),
    ],
    ..BASE
};

/// Fine-grained personal access tokens: `github_pat_` + 22 + `_` + 59.
fn github_fine_grained(token: &str, _: &Site<'_>) -> Verdict {
    let rest = &token["github_pat_".len()..];
    match rest.split_once('_') {
        Some((a, b)) if a.len() == 22 && b.len() == 59 => {
            Verdict::high().with("token_type", "fine-grained-personal-access-token")
        }
        _ => Verdict::medium().with("token_type", "fine-grained-personal-access-token"),
    }
}

pub static GITHUB_FINE_GRAINED: Detector = Detector {
    id: "github-fine-grained-token",
    kind: "github-token",
    family: Family::CodeAndRegistry,
    title: "GitHub fine-grained personal access token",
    keywords: &["github_pat_"],
    pattern: r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    prefix: "github_pat_",
    check: Some(github_fine_grained),
    positives: &[concat!(
        "gh_pat = \"github_pat_11A6YH5O3XSH88",
        "JBBLD63I_NOUXzJUGNdd5",
        "7nB5SRPs9WG1",
        "qLrrlIIrEJEk",
        "X0GBvc3LRaMs",
        "j2KM14ikcZI\""
    )],
    negatives: &["GITHUB_TOKEN=github_pat_<token>"],
    ..BASE
};

pub static GITLAB: Detector = Detector {
    id: "gitlab-token",
    kind: "gitlab-token",
    family: Family::CodeAndRegistry,
    title: "GitLab token",
    keywords: &[
        "glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glsoat-", "glcbt-", "gloas-",
        "glagent-", "glffct-",
    ],
    pattern: r"gl(?:pat|dt|rt|ptt|ft|imt|soat|cbt|oas|agent|ffct)-[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?",
    prefix: "glpat-",
    positives: &[
        concat!("GITLAB_TOKEN=glpat-9MOehzHnx2Xg", "QC-Fq7zV"),
        concat!("CI_DEPLOY_TOKEN: gldt-QSp3cct-Nkeb", "jmHW5K62"),
    ],
    negatives: &["GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx"],
    ..BASE
};

pub static GITLAB_RUNNER: Detector = Detector {
    id: "gitlab-runner-registration-token",
    kind: "gitlab-token",
    family: Family::CodeAndRegistry,
    title: "GitLab runner registration token",
    keywords: &["GR1348941"],
    pattern: r"GR1348941[A-Za-z0-9_-]{20}",
    prefix: "GR1348941",
    positives: &[concat!(
        "registration-token: GR1348941RoJLQNfcRAp-",
        "C0yShH47"
    )],
    negatives: &["registration-token: GR1348941$REGISTRATION"],
    ..BASE
};

/// npm tokens use the same checksum scheme as GitHub's.
fn npm(token: &str, _: &Site<'_>) -> Verdict {
    if shape::crc32_checksum_ok(token) {
        Verdict::high().with("checksum", "valid")
    } else {
        Verdict::medium()
    }
}

pub static NPM: Detector = Detector {
    id: "npm-access-token",
    kind: "npm-token",
    family: Family::CodeAndRegistry,
    title: "npm access token",
    keywords: &["npm_"],
    pattern: r"npm_[A-Za-z0-9]{36}",
    prefix: "npm_",
    check: Some(npm),
    positives: &[concat!(
        "//registry.npmjs.org/:_authToken=npm_4FC2JdMT",
        "9QRNrbbTgAPR",
        "bpHlerw0cB40",
        "L8UQ"
    )],
    negatives: &["//registry.npmjs.org/:_authToken=${NPM_TOKEN}"],
    ..BASE
};

/// `_authToken=` in an `.npmrc` (legacy UUID and hex tokens; `npm_` tokens have their
/// own detector).
fn npmrc_token(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let Some((name, name_start, v)) = assign::assignment_at(sink.buf, hit) else {
        return;
    };
    let name = name.to_string();
    if !sink.first_visit(det.id, name_start) || !name.to_ascii_lowercase().ends_with("_authtoken") {
        return;
    }
    let value = &sink.buf[v.start..v.end];
    if value.len() < 20
        || sink.has_known_prefix(value)
        || noise::is_reference(value)
        || noise::is_placeholder(value)
        || text::entropy(value) < 3.0
        || !value
            .iter()
            .all(|&b| text::is_token_byte(b) || matches!(b, b'=' | b'+' | b'/'))
        || sink.marked(v.start, v.end)
    {
        return;
    }
    sink.push_simple(det, v.start, v.end, Some(name), Verdict::medium());
}

pub static NPMRC: Detector = Detector {
    id: "npmrc-auth-token",
    kind: "npm-token",
    family: Family::CodeAndRegistry,
    title: "npm registry auth token",
    keywords: &["_authtoken"],
    matcher: Matcher::Custom(npmrc_token),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    positives: &[concat!(
        "//registry.npmjs.org/:_authToken=a0887bee-1af",
        "b-fa45-289e-",
        "0082c3584523"
    )],
    negatives: &["//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}"],
    ..BASE
};

/// PyPI tokens are macaroons whose location is `pypi.org` (or `test.pypi.org`).
fn pypi(token: &str, _: &Site<'_>) -> Verdict {
    let registry = if token.starts_with("pypi-AgEIcHlwaS5vcmc") {
        "pypi.org"
    } else {
        "test.pypi.org"
    };
    Verdict::high().with("registry", registry)
}

pub static PYPI: Detector = Detector {
    id: "pypi-upload-token",
    kind: "pypi-token",
    family: Family::CodeAndRegistry,
    title: "PyPI upload token",
    keywords: &["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"],
    pattern: r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}",
    prefix: "pypi-",
    check: Some(pypi),
    positives: &[concat!(
        "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmcWikAK99NEec7",
        "c6jymIZNf6YT",
        "tburAhYX49Wq",
        "oMcB5K5PBs2s",
        "D6crsh2d6OQm",
        "79_o36JkKV_0",
        "gHtNRu-d4j1-",
        "PMhDnz1inu9Z",
        "4MGyAKE-bsdV",
        "2IfEUs0hoKj9"
    )],
    negatives: &["password = pypi-AgEIcHlwaS5vcmc..."],
    ..BASE
};

/// `"auth": "<base64 of user:password>"` in a Docker `config.json` (`auths`).
fn docker_auth(sink: &mut CandidateSink<'_>, det: &'static Detector, hit: usize) {
    let buf = sink.buf;
    let floor = hit.saturating_sub(4096);
    if memchr::memmem::find(&buf[floor..hit], b"\"auths\"").is_none() {
        return;
    }
    let name_end = hit + 5; // `"auth` ends here, the closing quote follows
    let (_, le) = text::line_bounds(buf, hit);
    if name_end > le {
        return;
    }
    let Some(v) = assign::value_after(buf, name_end, le) else {
        return;
    };
    if !sink.first_visit(det.id, v.start) {
        return;
    }
    let value = &buf[v.start..v.end];
    let Some(decoded) = text::base64_decode(value) else {
        return;
    };
    if !text::is_printable_text(&decoded) {
        return;
    }
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return;
    };
    let (user, pass) = (&decoded[..colon], &decoded[colon + 1..]);
    if user.is_empty() || pass.len() < 4 || noise::is_placeholder(pass) || noise::is_reference(pass)
    {
        return;
    }
    if sink.marked(v.start, v.end) {
        return;
    }
    let verdict = Verdict::high().with("registry_user", String::from_utf8_lossy(user).into_owned());
    sink.push_simple(det, v.start, v.end, Some("auth".into()), verdict);
}

pub static DOCKER_AUTH: Detector = Detector {
    id: "docker-registry-auth",
    kind: "docker-registry-auth",
    family: Family::CodeAndRegistry,
    title: "Docker registry credentials (config.json auths)",
    keywords: &["\"auth\""],
    matcher: Matcher::Custom(docker_auth),
    priority: 3,
    binary: false,
    positives: &[concat!(
        "{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"ZGVwbG95LWJv",
        "dDpPZ2FEc0dK",
        "bldXNlJSbzJI",
        "Q1hMaFc3YUs=\"\n    }\n  }\n}"
    )],
    negatives: &[concat!(
        "{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"dXNlcjpwYXNz",
        "d29yZA==\"\n    }\n  }\n}"
    )],
    ..BASE
};

pub static VAULT: Detector = Detector {
    id: "hashicorp-vault-token",
    kind: "vault-token",
    family: Family::CodeAndRegistry,
    title: "HashiCorp Vault token",
    keywords: &["hvs."],
    pattern: r"hvs\.[A-Za-z0-9_-]{90,200}",
    prefix: "hvs.",
    positives: &[concat!(
        "VAULT_TOKEN=hvs.rCM0ea6gK8HT",
        "J_WF0GzPC5ri",
        "PgUk0q_yE6uA",
        "MNABFiOgcO16",
        "WeN4xr2AYvCl",
        "cRr9qcRFlMNC",
        "SigV44lGS-GR",
        "n8gOvXr7Ci6"
    )],
    negatives: &["VAULT_TOKEN=hvs.<token>"],
    ..BASE
};

/// Batch tokens carry their whole state, run well past 200 characters, and start with
/// the same encoded header (a run of `A`s that is not filler).
pub static VAULT_BATCH: Detector = Detector {
    id: "hashicorp-vault-batch-token",
    kind: "vault-token",
    family: Family::CodeAndRegistry,
    title: "HashiCorp Vault batch token",
    keywords: &["hvb."],
    pattern: r"hvb\.[A-Za-z0-9_-]{138,1024}",
    prefix: "hvb.AAAAA",
    reach: 1200,
    positives: &[concat!(
        "VAULT_TOKEN=hvb.AAAAAQKx7Vq2mZpT4rW9cN1b",
        "H6-LfQ8yJ3sD5eA0uXkGiRtYuIoPmNbVcXzAsDfGhJkL",
        "q8Wn3Rt6Yp1Ls4Kd7Fg0Hj2Zx5Cv9Bm3Nq6Wr8Ty1Ui4",
        "Op7As0Df3Gh6Jk9Lz2Xc5Vb8Nm1Qw4Er7Ty0Ui3Op6As9",
        "Df2Gh5Jk8Lz1Xc4Vb7Nm0Qw3Er6"
    )],
    negatives: &["VAULT_TOKEN=hvb.<batch-token>"],
    ..BASE
};

pub static TERRAFORM_CLOUD: Detector = Detector {
    id: "terraform-cloud-token",
    kind: "terraform-cloud-token",
    family: Family::CodeAndRegistry,
    title: "Terraform Cloud / HCP Terraform API token",
    keywords: &[".atlasv1."],
    pattern: r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70}",
    positives: &[concat!(
        "token = \"1yTqhbeBXGxe",
        "1j.atlasv1.HOCUItqFNGUI",
        "X8pLcraot05N",
        "kFEolVhnH-zo",
        "cbrk6Iit6y2y",
        "tiICPdIyMFB9",
        "ATDSAan\""
    )],
    negatives: &[
        "token = \"xxxxxxxxxxxxxx.atlasv1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
    ],
    ..BASE
};

pub static DOPPLER: Detector = Detector {
    id: "doppler-token",
    kind: "doppler-token",
    family: Family::CodeAndRegistry,
    title: "Doppler token",
    keywords: &[
        "dp.pt.",
        "dp.st.",
        "dp.sa.",
        "dp.ct.",
        "dp.scim.",
        "dp.audit.",
    ],
    pattern: r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}",
    prefix: "dp.",
    positives: &[concat!(
        "DOPPLER_TOKEN=dp.st.TfAYMBa5T0bq",
        "09e4QS3gUfmv",
        "8iPAPlXCadPn",
        "JeCtekP"
    )],
    negatives: &["DOPPLER_TOKEN=dp.st.prd"],
    ..BASE
};

pub static POSTMAN: Detector = Detector {
    id: "postman-api-key",
    kind: "postman",
    family: Family::CodeAndRegistry,
    title: "Postman API key",
    keywords: &["PMAK-"],
    pattern: r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    prefix: "PMAK-",
    positives: &[concat!(
        "POSTMAN_API_KEY=PMAK-144a6262a997",
        "702652f2b23a-015da2219027",
        "c30d5c984b85",
        "9a94e7bbe9"
    )],
    negatives: &["POSTMAN_API_KEY=PMAK-..."],
    ..BASE
};

pub static BITBUCKET: Detector = Detector {
    id: "bitbucket-app-password",
    kind: "bitbucket",
    family: Family::CodeAndRegistry,
    title: "Bitbucket app password / API token",
    keywords: &["ATBB", "ATCTT3xFfGN0"],
    pattern: r"(?:ATBB[A-Za-z0-9_=.-]{32}|ATCTT3xFfGN0[A-Za-z0-9_=-]{100,300})",
    prefix: "ATBB",
    positives: &[concat!(
        "BITBUCKET_APP_PASSWORD=ATBBNnqZ0YwGii4m",
        "dEmy0dxigYpt",
        "uhneeIo8"
    )],
    negatives: &["BITBUCKET_APP_PASSWORD=ATBB"],
    ..BASE
};

pub static CRATES_IO: Detector = Detector {
    id: "crates-io-token",
    kind: "crates-io-token",
    family: Family::CodeAndRegistry,
    title: "crates.io API token",
    keywords: &["cio"],
    pattern: r"cio[A-Za-z0-9]{32}",
    prefix: "cio",
    min_entropy: 3.5,
    check: Some(shape::mixed),
    default_confidence: Confidence::Medium,
    positives: &[concat!(
        "[registry]\ntoken = \"ciorMsvDnL2nkgI",
        "4IDAyzK2AlZK",
        "XeQiPpHN\""
    )],
    negatives: &["[registry]\ntoken = \"ciotoken\""],
    ..BASE
};

pub static RUBYGEMS: Detector = Detector {
    id: "rubygems-api-key",
    kind: "rubygems",
    family: Family::CodeAndRegistry,
    title: "RubyGems API key",
    keywords: &["rubygems_"],
    pattern: r"rubygems_[a-f0-9]{48}",
    prefix: "rubygems_",
    positives: &[concat!(
        ":rubygems_api_key: rubygems_2df09a5d7347",
        "a5a675c17bab",
        "6a01898f97ac",
        "27a8ebfff1c0"
    )],
    negatives: &[":rubygems_api_key: rubygems_"],
    ..BASE
};

pub static ATLASSIAN: Detector = Detector {
    id: "atlassian-api-token",
    reach: 16384,
    kind: "atlassian",
    family: Family::CodeAndRegistry,
    title: "Atlassian (Jira, Confluence) API token",
    keywords: &["ATATT3xFfGF0"],
    pattern: r"ATATT3xFfGF0[A-Za-z0-9_=-]{150,300}",
    prefix: "ATATT3xFfGF0",
    boundary: Boundary::Token,
    positives: &[concat!(
        "JIRA_API_TOKEN=ATATT3xFfGF0",
        "NsuTg4pPUlqR",
        "TSXAOi2EgJgh",
        "p4LKy6fyqyvD",
        "FNsJJ3U_YMhg",
        "JYjqyvgXCwhF",
        "O93UIF23efw3",
        "z8BJPRcxH_Wm",
        "98RflCSW3yGx",
        "rfPH5ST32cBM",
        "0sMLgD5Wm9cL",
        "LTnMdRH6Zm5y",
        "Ww_Q_nYw3zNC",
        "i4o3nBh0xWxc",
        "0X0_DaNOnY8I",
        "N4CaMWbcTFrX",
        "=6X940N07"
    )],
    negatives: &["JIRA_API_TOKEN=ATATT3xFfGF0..."],
    ..BASE
};

pub static DOCKER_HUB: Detector = Detector {
    id: "docker-hub-token",
    kind: "docker-hub",
    family: Family::CodeAndRegistry,
    title: "Docker Hub access token",
    keywords: &["dckr_pat_", "dckr_oat_"],
    pattern: r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,40}",
    prefix: "dckr_pat_",
    positives: &[concat!(
        "DOCKERHUB_TOKEN=dckr_pat_Xq4Lm9Vt2",
        "Rk7Wz3Pc8Nb1Hd6Jf5"
    )],
    negatives: &[
        "DOCKERHUB_TOKEN=dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "docker login -u ci -p dckr_pat_<token>",
    ],
    ..BASE
};

pub static SONARQUBE: Detector = Detector {
    id: "sonarqube-token",
    kind: "sonarqube",
    family: Family::CodeAndRegistry,
    title: "SonarQube token",
    keywords: &["squ_", "sqp_", "sqa_"],
    pattern: r"sq[upa]_[a-fA-F0-9]{40}",
    prefix: "squ_",
    positives: &[concat!(
        "SONAR_TOKEN=squ_8f3a1c9e7b2d",
        "4f60a5e1c8b7",
        "d2f9a3e6c1b4d8f2"
    )],
    negatives: &[
        "SONAR_TOKEN=squ_0000000000000000000000000000000000000000",
        "SONAR_TOKEN=squ_<token>",
    ],
    ..BASE
};

const SONAR_WORDS: &[&str] = &["sonar"];

pub static SONARQUBE_LEGACY: Detector = Detector {
    id: "sonarqube-legacy-token",
    kind: "sonarqube",
    family: Family::CodeAndRegistry,
    title: "SonarQube token",
    keywords: SONAR_WORDS,
    pattern: r"[a-f0-9]{40}",
    matcher: context(SONAR_WORDS, 3),
    check: Some(shape::named_mixed),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "SONAR_TOKEN=8f3a1c9e7b2d",
        "4f60a5e1c8b7",
        "d2f9a3e6c1b4d8f2"
    )],
    negatives: &[concat!(
        "sonar.scm.revision=8f3a1c9e7b2d",
        "4f60a5e1c8b7",
        "d2f9a3e6c1b4d8f2"
    )],
    ..BASE
};

/// The `sonar.login` property (and `sonarLogin` variables), where SonarQube scanners took
/// a 40-hex token before `sonar.token` replaced it.
pub static SONARQUBE_LOGIN: Detector = Detector {
    id: "sonarqube-login-token",
    kind: "sonarqube",
    family: Family::CodeAndRegistry,
    title: "SonarQube token",
    keywords: &["sonar.login", "sonarLogin", "sonar_login", "SONAR_LOGIN"],
    pattern: r#"(?i:sonar[._]?login)['"]?\s*[=:,]\s*['"]?([a-f0-9]{40})\b"#,
    boundary: Boundary::None,
    check: Some(shape::mixed),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    positives: &[concat!(
        "mvn sonar:sonar -Dsonar.login=8f3a1c9e7b2d",
        "4f60a5e1c8b7",
        "d2f9a3e6c1b4d8f2"
    )],
    negatives: &["mvn sonar:sonar -Dsonar.login=$SONAR_TOKEN"],
    ..BASE
};

/// Bundler's credentials for a private gem server, given as an environment variable
/// named after the host (`BUNDLE_GEMS__ACME__COM=user:password`, as for Sidekiq Pro and
/// Enterprise): the `user:password` pair.
pub static BUNDLER_CREDENTIALS: Detector = Detector {
    id: "bundler-host-credentials",
    kind: "gem-server",
    family: Family::CodeAndRegistry,
    title: "Bundler gem server credentials",
    keywords: &["BUNDLE_"],
    pattern: r#"\bBUNDLE_[A-Z0-9_]{1,80}__[A-Z0-9_]{1,40}["']?\s*[=:]\s*["']?([A-Za-z0-9._%+@-]{1,64}:[^\s"';&$]{4,128})"#,
    boundary: Boundary::None,
    check: Some(bundler_pair),
    default_confidence: Confidence::Medium,
    priority: 2,
    binary: false,
    positives: &[concat!(
        "export BUNDLE_GEMS__ACME__IO=ci-bot:",
        "Qm7vX2kR9pL4tN8w"
    )],
    negatives: &[
        "BUNDLE_GEMS__ACME__IO=$GEM_USER:$GEM_PASSWORD",
        "BUNDLE_GEMS__ACME__IO: \"user:password\"",
        "BUNDLE_PATH=vendor/bundle",
    ],
    ..BASE
};

/// The password of a `user:password` pair must be a value, not a stand-in.
fn bundler_pair(token: &str, _: &Site<'_>) -> Verdict {
    let pass = token.split_once(':').map_or("", |(_, p)| p).as_bytes();
    if noise::is_placeholder(pass)
        || noise::is_reference(pass)
        || noise::is_password_word(pass)
        || text::entropy(pass) < 2.5
    {
        return Verdict::Reject;
    }
    Verdict::medium()
}

/// The current Azure DevOps personal access token format: 84 characters with the
/// `JQQJ99` marker of Azure keys and `AZDO` near the end.
pub static AZURE_DEVOPS_PAT: Detector = Detector {
    id: "azure-devops-pat",
    kind: "azure-devops",
    family: Family::CodeAndRegistry,
    title: "Azure DevOps personal access token",
    keywords: &["AZDO"],
    pattern: r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4}",
    priority: 4,
    positives: &[concat!(
        "AZURE_DEVOPS_EXT_PAT=7Kq2Lm9Vt4Rk8Wz3Pc6N",
        "b1Hd5Jf0Xs7Gy2Tu9Ea4Qo3Iw8Zr6Cv1",
        "JQQJ99BA",
        "Cg4Rt7Yu2Io5Pa8S",
        "AZDO3fK9"
    )],
    negatives: &["AZURE_DEVOPS_EXT_PAT=<pat>AZDO"],
    ..BASE
};

const AZURE_DEVOPS_WORDS: &[&str] = &[
    "azure_devops",
    "azuredevops",
    "azure-devops",
    "azure devops",
    "dev.azure.com",
    "visualstudio.com",
    "ado_pat",
];

/// The legacy format: 52 lower-case base32 characters, taken only next to Azure DevOps.
pub static AZURE_DEVOPS_LEGACY_PAT: Detector = Detector {
    id: "azure-devops-legacy-pat",
    kind: "azure-devops",
    family: Family::CodeAndRegistry,
    title: "Azure DevOps personal access token",
    keywords: AZURE_DEVOPS_WORDS,
    pattern: r"[a-z2-7]{52}",
    matcher: context(AZURE_DEVOPS_WORDS, 3),
    check: Some(shape::named_mixed),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "AZURE_DEVOPS_PAT=q7m2xk4vt6rz3wp5nc",
        "7hb2jd4sf6gy3tu5ea7oq2iw4zr6cv3bn5"
    )],
    negatives: &[concat!(
        "AZURE_DEVOPS_ORG=q7m2xk4vt6rz3wp5nc",
        "7hb2jd4sf6gy3tu5ea7oq2iw4zr6cv3bn5"
    )],
    ..BASE
};

const GITHUB_WORDS: &[&str] = &["github"];

/// 40 hexadecimal characters assigned to a GitHub secret name: an OAuth app's client
/// secret, or a token of the format used before 2021.
pub static GITHUB_OAUTH_SECRET: Detector = Detector {
    id: "github-oauth-client-secret",
    kind: "github-oauth-secret",
    family: Family::CodeAndRegistry,
    title: "GitHub OAuth client secret or legacy token",
    keywords: GITHUB_WORDS,
    pattern: r"[a-f0-9]{40}",
    matcher: context(GITHUB_WORDS, 3),
    check: Some(shape::named_mixed),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "GITHUB_CLIENT_SECRET=\"3e9a1f7c5b2d",
        "8e4f6a0c9b1d",
        "7e3f5a2c8b4d6e0f\""
    )],
    negatives: &[
        concat!(
            "GITHUB_SHA=3e9a1f7c5b2d",
            "8e4f6a0c9b1d",
            "7e3f5a2c8b4d6e0f"
        ),
        concat!(
            "      - uses: actions/checkout@3e9a1f7c5b2d",
            "8e4f6a0c9b1d",
            "7e3f5a2c8b4d6e0f  # github action pin"
        ),
        // A commit link in a changelog line that mentions a token.
        concat!(
            "Build Token support (added in https://github.com/acme/tool/commit/3e9a1f7c5b2d",
            "8e4f6a0c9b1d",
            "7e3f5a2c8b4d6e0f)"
        ),
    ],
    ..BASE
};

const SNYK_WORDS: &[&str] = &["snyk"];

pub static SNYK: Detector = Detector {
    id: "snyk-api-token",
    kind: "snyk",
    family: Family::CodeAndRegistry,
    title: "Snyk API token",
    keywords: SNYK_WORDS,
    pattern: r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    matcher: context(SNYK_WORDS, 3),
    check: Some(shape::named_mixed),
    priority: 2,
    binary: false,
    positives: &[concat!(
        "SNYK_TOKEN=\"9b4e2c7a-1f8d-",
        "4a63-b0e5-7c2d9f1a8e34\""
    )],
    negatives: &[concat!(
        "SNYK_ORG_ID=\"9b4e2c7a-1f8d-",
        "4a63-b0e5-7c2d9f1a8e34\""
    )],
    ..BASE
};

pub static SOURCEGRAPH: Detector = Detector {
    id: "sourcegraph-access-token",
    kind: "sourcegraph",
    family: Family::CodeAndRegistry,
    title: "Sourcegraph access token",
    keywords: &["sgp_"],
    pattern: r"sgp_(?:local_|[a-fA-F0-9]{16}_)?[a-fA-F0-9]{40}",
    prefix: "sgp_",
    positives: &[concat!(
        "SRC_ACCESS_TOKEN=sgp_3e9a1f7c5b2d",
        "8e4f6a0c9b1d",
        "7e3f5a2c8b4d6e0f"
    )],
    negatives: &["SRC_ACCESS_TOKEN=sgp_<token>"],
    ..BASE
};

pub static ONEPASSWORD_SERVICE_ACCOUNT: Detector = Detector {
    id: "1password-service-account-token",
    kind: "1password",
    family: Family::CodeAndRegistry,
    title: "1Password service account token",
    keywords: &["ops_eyJ"],
    pattern: r"ops_eyJ[A-Za-z0-9+/_-]{200,2000}={0,2}",
    prefix: "ops_eyJ",
    reach: 2200,
    positives: &[concat!(
        "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNz",
        "IjoiZmFrZS0xcGFzc3dvcmQtZXhhbXBsZS5leGFtcGxlIiwi",
        "dXNlckF1dGgiOnsibWV0aG9kIjoiU1JQZy00MDk2IiwiYWxn",
        "IjoiUEJFUzJnLUhTMjU2IiwiaXRlcmF0aW9ucyI6NjUwMDAw",
        "LCJzYWx0IjoiZmFrZVNhbHRGb3JUZXN0cyJ9LCJlbWFpbCI6",
        "ImZha2VAZXhhbXBsZS5leGFtcGxlIiwic3JwWCI6ImZha2Ui"
    )],
    negatives: &["export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6..."],
    ..BASE
};

/// The Secret Key of a 1Password account (with the password, it opens the vaults).
pub static ONEPASSWORD_SECRET_KEY: Detector = Detector {
    id: "1password-secret-key",
    kind: "1password",
    family: Family::CodeAndRegistry,
    title: "1Password account Secret Key",
    keywords: &["A3-"],
    pattern: r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
    prefix: "A3-",
    positives: &[concat!(
        "secret_key: A3-Q7KX2M-",
        "9TRV4W-P8L3N-H6JD2-B5XC9-K4MQ7"
    )],
    negatives: &["A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX"],
    ..BASE
};

/// Every source-control, CI, registry and automation detector.
/// NuGet API keys: `oy2` and 43 lower-case letters and digits.
pub static NUGET: Detector = Detector {
    id: "nuget-api-key",
    kind: "nuget",
    family: Family::CodeAndRegistry,
    title: "NuGet API key",
    keywords: &["oy2"],
    pattern: r"oy2[a-z0-9]{43}",
    prefix: "oy2",
    min_entropy: 3.5,
    positives: &[concat!(
        "dotnet nuget push pkg.nupkg --api-key oy2k7d3qf9",
        "w1xz5b8n2m6v4c0j3h7g1p5r9t2y6u8e4a7q"
    )],
    negatives: &["NUGET_KEY=oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"],
    ..BASE
};

/// Dependency-Track API keys: `odt_` and 32 or more letters and digits.
pub static DEPENDENCY_TRACK: Detector = Detector {
    id: "dependency-track-api-key",
    kind: "dependency-track",
    family: Family::CodeAndRegistry,
    title: "Dependency-Track API key",
    keywords: &["odt_"],
    pattern: r"odt_[A-Za-z0-9]{32,48}",
    prefix: "odt_",
    min_entropy: 3.5,
    positives: &[concat!(
        "DTRACK_API_KEY=odt_Qm7vX2",
        "kR9pL4tN8wZ3cJ6hB1fY5sD0aG"
    )],
    negatives: &["DTRACK_API_KEY=odt_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    ..BASE
};

pub static ALL: &[&Detector] = &[
    &GITHUB_CLASSIC,
    &GITHUB_FINE_GRAINED,
    &GITLAB,
    &GITLAB_RUNNER,
    &NPM,
    &NPMRC,
    &PYPI,
    &DOCKER_AUTH,
    &VAULT,
    &VAULT_BATCH,
    &TERRAFORM_CLOUD,
    &DOPPLER,
    &POSTMAN,
    &BITBUCKET,
    &CRATES_IO,
    &RUBYGEMS,
    &ATLASSIAN,
    &DOCKER_HUB,
    &SONARQUBE,
    &SONARQUBE_LEGACY,
    &SONARQUBE_LOGIN,
    &BUNDLER_CREDENTIALS,
    &AZURE_DEVOPS_PAT,
    &AZURE_DEVOPS_LEGACY_PAT,
    &GITHUB_OAUTH_SECRET,
    &SNYK,
    &SOURCEGRAPH,
    &ONEPASSWORD_SERVICE_ACCOUNT,
    &ONEPASSWORD_SECRET_KEY,
    &NUGET,
    &DEPENDENCY_TRACK,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_checksum() {
        let site = Site {
            buf: b"",
            start: 0,
            end: 0,
        };
        let ok = concat!("ghp_", "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8", "14Un4I");
        assert!(matches!(
            github_classic(ok, &site),
            Verdict::Accept {
                confidence: Confidence::High,
                ..
            }
        ));
        let bad = concat!("ghp_", "U8JZpDE0iGXlD6gNCFbaEPFjbD0kH8", "I4nU41");
        assert_eq!(github_classic(bad, &site), Verdict::Reject);
        assert_eq!(
            github_classic("ghp_000000000000000000000000000000000000", &site),
            Verdict::Reject
        );
    }
}
