"""The sharded-scan examples (Kubernetes, GitHub Actions, AWS Batch), checked as data:
they load, N agrees wherever it is written, the plan and the shards scan with the same
options, every engine's indices cover shards 1..N exactly, the keys come from secrets,
and every govscan command line uses options govscan really has."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govscan.cli import cli
from govscan.evidence.pseudonymise import PSEUDONYM_KEY_ENV
from govscan.fingerprint import ENV_KEY as FINGERPRINT_KEY_ENV
from govscan.shard.assign import parse_shard
from tests.examples.shell import Call, govscan_calls, resolve, unknown_flags

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "examples" / "k8s"
BATCH = ROOT / "examples" / "aws-batch"
WORKFLOW = ROOT / "examples" / "ci" / "github-sharded-scan.yml"
KEY_ENVS = {FINGERPRINT_KEY_ENV, PSEUDONYM_KEY_ENV}
# Options a shard has and the plan has not: how to run, not what to scan.
RUN_ONLY = frozenset({"--plan", "--shard", "--fail-on", "--format", "--sign-key", "--output-dir"})
AUTO = re.compile(r"^auto/(?P<n>[0-9]+)$")


def k8s_objects() -> dict[str, dict[str, Any]]:
    """Every Kubernetes object of the example, by kind/name."""
    objects = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert isinstance(doc, dict), path
            objects[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return objects


def pod(job: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = job["spec"]["template"]["spec"]
    return spec


def container_script(job: dict[str, Any]) -> str:
    [container] = pod(job)["containers"]
    assert container["command"] == ["sh", "-c"]
    [script] = container["args"]
    assert isinstance(script, str)
    return script


def batch_docs() -> dict[str, dict[str, Any]]:
    docs = {}
    for path in sorted(BATCH.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(doc, dict), path
        docs[path.name] = doc
    return docs


def batch_script(doc: dict[str, Any]) -> str:
    command = doc["containerProperties"]["command"]
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    script: str = command[2]
    return script


def workflow() -> dict[str, Any]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def workflow_scripts(job: dict[str, Any]) -> str:
    return "\n".join(s["run"] for s in job["steps"] if "run" in s)


def one_call(script: str, command: str) -> Call:
    [call] = [c for c in govscan_calls(script) if resolve(c)[0] == command.split()]
    return call


def shard_count(call: Call) -> int:
    m = AUTO.match(call.value("--shard") or "")
    assert m is not None, f"{call.text}: --shard auto/N"
    return int(m["n"])


def every_script() -> list[tuple[str, str]]:
    scripts = [
        (f"k8s/{name}", container_script(obj))
        for name, obj in k8s_objects().items()
        if obj["kind"] == "Job"
    ]
    scripts += [
        (f"aws-batch/{name}", batch_script(doc))
        for name, doc in batch_docs().items()
        if "containerProperties" in doc
    ]
    scripts += [
        (f"github/{name}", workflow_scripts(job)) for name, job in workflow()["jobs"].items()
    ]
    return scripts


CALLS = [
    pytest.param(call, id=f"{where}:{' '.join(resolve(call)[0])}")
    for where, script in every_script()
    for call in govscan_calls(script)
]


def test_every_example_runs_plan_shards_and_merge() -> None:
    commands = {" ".join(resolve(p.values[0])[0]) for p in CALLS}  # type: ignore[arg-type]
    assert {"plan", "scan", "merge"} <= commands
    assert len(CALLS) >= 9


@pytest.mark.parametrize("call", CALLS)
def test_every_govscan_invocation_uses_real_options(call: Call) -> None:
    path, command, words = resolve(call)
    assert command is not None, f"no command 'govscan {' '.join(path)}'"
    assert not unknown_flags(command, words), call.text


def test_the_kubernetes_objects_are_complete_and_refer_to_each_other() -> None:
    objects = k8s_objects()
    for name, obj in objects.items():
        assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"], name
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "govscan", name
    jobs = {n: o for n, o in objects.items() if o["kind"] == "Job"}
    assert set(jobs) == {"Job/govscan-plan", "Job/govscan-shards", "Job/govscan-merge"}
    made_by_run = set(re.findall(r"create configmap (\S+)", (K8S / "run.sh").read_text()))
    for name, job in jobs.items():
        spec = pod(job)
        assert f"ServiceAccount/{spec['serviceAccountName']}" in objects, name
        assert spec["restartPolicy"] == "Never"
        assert spec["securityContext"]["runAsNonRoot"] is True
        for ref in spec["containers"][0]["envFrom"]:
            cm = ref["configMapRef"]["name"]
            assert f"ConfigMap/{cm}" in objects or cm in made_by_run, (name, cm)
        claims = [
            v["persistentVolumeClaim"]["claimName"]
            for v in spec["volumes"]
            if "persistentVolumeClaim" in v
        ]
        assert [f"PersistentVolumeClaim/{c}" in objects for c in claims] == [True]
    pvc = objects["PersistentVolumeClaim/govscan-evidence"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]


def test_the_indexed_job_and_the_merge_agree_on_n() -> None:
    objects = k8s_objects()
    shards = objects["Job/govscan-shards"]
    spec = shards["spec"]
    assert spec["completionMode"] == "Indexed"
    n = spec["completions"]
    assert isinstance(n, int) and n >= 2
    assert 1 <= spec["parallelism"] <= n
    scan = one_call(container_script(shards), "scan")
    assert shard_count(scan) == n
    assert scan.value("--output-dir") == "$out"
    assert 'out="/evidence/${RUN_ID}/shard-${JOB_COMPLETION_INDEX}"' in container_script(shards)
    merge = pod(objects["Job/govscan-merge"])
    env = {e["name"]: e.get("value") for e in merge["containers"][0]["env"]}
    assert env["SHARDS"] == str(n)
    script = container_script(objects["Job/govscan-merge"])
    assert '"/evidence/${RUN_ID}/shard-$i"' in script and '-lt "$SHARDS"' in script
    # Kubernetes counts from 0: the pods' indices are shards 1..N, each once.
    got = [parse_shard(f"auto/{n}", {"JOB_COMPLETION_INDEX": str(i)}).index for i in range(n)]
    assert got == list(range(1, n + 1))


def test_the_kubernetes_shards_scan_exactly_what_was_planned() -> None:
    objects = k8s_objects()
    plan = one_call(container_script(objects["Job/govscan-plan"]), "plan")
    scan = one_call(container_script(objects["Job/govscan-shards"]), "scan")
    assert plan.options(frozenset({"-o"})) == scan.options(RUN_ONLY)
    assert scan.value("--plan") == plan.value("-o") == "/evidence/${RUN_ID}/units.json"
    assert scan.value("--fail-on") == "none"


def test_the_kubernetes_keys_come_from_the_secret_made_in_the_readme() -> None:
    readme = (K8S / "README.md").read_text(encoding="utf-8")
    made = set(re.findall(r"--from-literal=([a-z-]+)=", readme))
    made |= set(re.findall(r"--from-file=(\S+)", readme))
    objects = k8s_objects()
    shard = pod(objects["Job/govscan-shards"])["containers"][0]
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in shard["env"] if "valueFrom" in e}
    assert set(refs) == KEY_ENVS
    assert not [e for e in shard["env"] if e["name"] in KEY_ENVS and "value" in e]
    used = {r["key"] for r in refs.values()}
    for job in ("Job/govscan-shards", "Job/govscan-merge"):
        for vol in pod(objects[job])["volumes"]:
            if "secret" in vol:
                assert vol["secret"]["secretName"] == "govscan-keys"
                used |= {i["key"] for i in vol["secret"]["items"]}
    assert {r["name"] for r in refs.values()} == {"govscan-keys"}
    assert used <= made, used - made


def test_run_sh_starts_each_job_after_the_one_before_completed() -> None:
    lines = [ln for ln in (K8S / "run.sh").read_text().splitlines() if ln.startswith("kubectl")]
    steps = [ln.split()[-1] for ln in lines if "apply -f" in ln and "-f -" not in ln]
    waits = [ln.split()[-1] for ln in lines if "wait --for=condition=complete" in ln]
    assert steps == ["10-plan-job.yaml", "20-shards-job.yaml", "30-merge-job.yaml"]
    assert waits == ["job/govscan-plan", "job/govscan-shards", "job/govscan-merge"]
    order = [ln for ln in lines if "apply -f 1" in ln or "apply -f 2" in ln or "wait" in ln]
    assert [("wait" in ln) for ln in order][:4] == [False, True, False, True]


def test_the_workflow_matrix_covers_shards_1_to_n_and_merge_waits_for_it() -> None:
    doc = workflow()
    jobs = doc["jobs"]
    shard = jobs["shard"]
    scan = one_call(workflow_scripts(shard), "scan")
    n = shard_count(scan)
    matrix = shard["strategy"]["matrix"]["shard"]
    assert matrix == list(range(1, n + 1))
    assert shard["strategy"]["fail-fast"] is False
    assert shard["needs"] == "plan" and jobs["merge"]["needs"] == "shard"
    [step] = [s for s in shard["steps"] if "govscan scan" in s.get("run", "")]
    assert step["env"]["GOVSCAN_SHARD_INDEX"] == "${{ matrix.shard }}"
    for name in KEY_ENVS:
        assert step["env"][name] == "${{ secrets." + name + " }}"
    got = [parse_shard(f"auto/{n}", {"GOVSCAN_SHARD_INDEX": str(i)}).index for i in matrix]
    assert got == list(range(1, n + 1))
    plan = one_call(workflow_scripts(jobs["plan"]), "plan")
    assert plan.options(frozenset({"-o"})) == scan.options(RUN_ONLY)


def test_the_workflow_hands_plan_and_bundles_on_by_artifact_name() -> None:
    jobs = workflow()["jobs"]

    def action(job: str, name: str) -> list[dict[str, Any]]:
        return [s for s in jobs[job]["steps"] if f"actions/{name}@" in s.get("uses", "")]

    [plan_up] = action("plan", "upload-artifact")
    [plan_down] = action("shard", "download-artifact")
    assert plan_up["with"]["name"] == plan_down["with"]["name"]
    assert plan_up["with"]["path"] == one_call(workflow_scripts(jobs["plan"]), "plan").value("-o")
    [shard_up] = action("shard", "upload-artifact")
    [merge_down] = action("merge", "download-artifact")
    scan = one_call(workflow_scripts(jobs["shard"]), "scan")
    assert shard_up["with"]["path"].rstrip("/") == scan.value("--output-dir")
    # The manifest lists the hidden marker .govscan-bundle: without it no shard verifies.
    assert shard_up["with"]["include-hidden-files"] is True
    names = [
        shard_up["with"]["name"].replace("${{ matrix.shard }}", str(i))
        for i in range(1, shard_count(scan) + 1)
    ]
    assert all(fnmatch.fnmatch(n, merge_down["with"]["pattern"]) for n in names)
    merge = one_call(workflow_scripts(jobs["merge"]), "merge")
    pattern = merge_down["with"]["path"] + "/" + merge_down["with"]["pattern"]
    assert pattern in merge.words
    assert merge.value("--public-key")


def test_the_workflow_is_pinned_like_the_other_examples_and_needs_little() -> None:
    doc = workflow()
    text = WORKFLOW.read_text(encoding="utf-8")
    pins = dict(re.findall(r"uses: ([\w.-]+/[\w./-]+)@([0-9a-f]+) # v\d", text))
    uses = [s["uses"] for job in doc["jobs"].values() for s in job["steps"] if "uses" in s]
    assert len(pins) == len({u.split("@")[0] for u in uses})
    others = "\n".join(
        p.read_text(encoding="utf-8") for p in WORKFLOW.parent.glob("github-*.yml") if p != WORKFLOW
    )
    for action_name, sha in pins.items():
        assert len(sha) == 40
        elsewhere = re.findall(rf"uses: {re.escape(action_name)}@([0-9a-f]+)", others)
        assert set(elsewhere) <= {sha}, f"{action_name}: pin differs from the other examples"
    assert doc["permissions"] == {}
    for name, job in doc["jobs"].items():
        assert job["permissions"] == {"id-token": "write"}, name
        assert "timeout-minutes" in job
        assert "${{" not in workflow_scripts(job), name


def test_the_batch_array_size_agrees_with_shards_and_merge() -> None:
    docs = batch_docs()
    size = docs["submit-shards.json"]["arrayProperties"]["size"]
    assert isinstance(size, int) and 2 <= size <= 10000
    shard = docs["shard.job-definition.json"]
    scan = one_call(batch_script(shard), "scan")
    assert shard_count(scan) == size
    merge = docs["merge.job-definition.json"]
    env = {e["name"]: e["value"] for e in merge["containerProperties"]["environment"]}
    assert env["SHARDS"] == str(size)
    got = [
        parse_shard(f"auto/{size}", {"AWS_BATCH_JOB_ARRAY_INDEX": str(i)}).index
        for i in range(size)
    ]
    assert got == list(range(1, size + 1))
    push = one_call(batch_script(shard), "evidence push")
    pulls = [c for c in govscan_calls(batch_script(merge)) if resolve(c)[0] == ["evidence", "pull"]]
    assert push.words[3].endswith("/shard-$AWS_BATCH_JOB_ARRAY_INDEX")
    assert [c.words[2] for c in pulls] == [
        push.words[3].replace("$AWS_BATCH_JOB_ARRAY_INDEX", "$i")
    ]


def test_the_batch_jobs_are_wired_by_name_and_dependency() -> None:
    docs = batch_docs()
    definitions = {d["jobDefinitionName"]: d for d in docs.values() if "jobDefinitionName" in d}
    assert set(definitions) == {"govscan-plan", "govscan-shard", "govscan-merge"}
    for name in ("submit-plan.json", "submit-shards.json", "submit-merge.json"):
        assert docs[name]["jobDefinition"] in definitions
        assert "dependsOn" not in docs[name]  # job ids exist only once submitted: run.sh
    for name, d in definitions.items():
        props = d["containerProperties"]
        assert d["type"] == "container" and props["image"] and props["jobRoleArn"], name
        assert {"onExitCode": "2", "action": "EXIT"} in d["retryStrategy"]["evaluateOnExit"]
        plain = {e["name"] for e in props["environment"]}
        assert not plain & (KEY_ENVS | {"GOVSCAN_SIGNING_KEY"}), name
    secrets = {s["name"] for s in definitions["govscan-shard"]["containerProperties"]["secrets"]}
    assert secrets >= KEY_ENVS
    run = (BATCH / "run.sh").read_text(encoding="utf-8")
    assert re.search(r"submit-shards\.json.*\n.*--depends-on \"jobId=\$plan_id\"", run)
    assert re.search(r"submit-merge\.json.*\n.*--depends-on \"jobId=\$shards_id\"", run)
    assert "N_TO_N" not in run and "SEQUENTIAL" not in run


def test_the_batch_shards_scan_exactly_what_was_planned() -> None:
    docs = batch_docs()
    plan_script = batch_script(docs["plan.job-definition.json"])
    shard_script = batch_script(docs["shard.job-definition.json"])
    plan = one_call(plan_script, "plan")
    scan = one_call(shard_script, "scan")
    assert plan.options(frozenset({"-o"})) == scan.options(RUN_ONLY)
    assert plan.value("-o") == scan.value("--plan") == "/tmp/units.json"
    # The plan travels through the bucket under the run's prefix, both ways the same key.
    key = '"$EVIDENCE_BUCKET" "$RUN_ID/units.json"'
    assert key in plan_script and key in shard_script


def test_the_workflow_passes_govscans_own_workflow_controls(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, repo / ".github" / "workflows" / WORKFLOW.name)
    out = tmp_path / "out"
    args = ["scan", "--repo", str(repo), "--output-dir", str(out), "--no-redact"]
    result = CliRunner().invoke(cli, [*args, "--fail-on", "none"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    judged = [r for r in doc["results"] if r["control_id"].startswith("github.")]
    bad = [
        (r["control_id"], r["status"])
        for r in judged
        if r["status"] not in ("pass", "not_applicable")
    ]
    assert not bad
    passed = {r["control_id"] for r in judged if r["status"] == "pass"}
    assert {
        "github.actions-pinned-to-sha",
        "github.no-script-injection",
        "github.no-secrets-echoed",
        "github.workflow-permissions-restricted",
    } <= passed
