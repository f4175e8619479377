"""The shipped CI workflow runs the README's test command and deploys only after it
passes; where the site is published is set once, in mkdocs.yml, consistently."""
from __future__ import annotations

import re

import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def readme_test_command() -> str:
    """The second command of the README's Quick start (the first serves)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1]
    commands = re.search(r"```bash\n(.*?)```", quick_start, re.S)[1].split("\n")
    return [line for line in commands if line.strip()][1]


def steps_run(job: dict) -> list[str]:
    return [step.get("run", "") or step.get("uses", "") for step in job["steps"]]


def test_workflow_tests_with_the_readme_command_then_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert trigger["push"]["branches"] == ["main"]
    command = readme_test_command()
    assert command == "make test"
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert re.search(rf"^{re.escape(command)}$", ci, re.M), ".ci/run runs the README's test command"

    jobs = workflow["jobs"]
    testing = [name for name, job in jobs.items() if any("bash .ci/run" in run for run in steps_run(job))]
    assert testing, "no job runs bash .ci/run"
    deploying = [name for name, job in jobs.items()
                 if any("deploy-pages" in run or "gh-deploy" in run for run in steps_run(job))]
    assert deploying, "no job deploys"
    for name in deploying:
        job = jobs[name]
        runs = steps_run(job)
        if name in testing:  # the same job: the tests come first
            test_step = next(i for i, run in enumerate(runs) if "bash .ci/run" in run)
            deploy_step = next(i for i, run in enumerate(runs) if "deploy" in run)
            assert test_step < deploy_step
        else:  # another job: it waits for the testing job to pass
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            assert set(testing) & set(needs), f"{name} does not wait for {testing}"
    # What is deployed is the MkDocs build, made after the tests passed.
    builder = jobs[testing[0]]
    runs = steps_run(builder)
    build = next(i for i, run in enumerate(runs) if "mkdocs build --strict" in run)
    assert build > next(i for i, run in enumerate(runs) if "bash .ci/run" in run)
    assert any("upload-pages-artifact" in run for run in runs[build:])


def test_where_the_site_lives_is_set_once_and_consistently():
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    config = yaml.load(text, Loader=yaml.BaseLoader)
    repository = config["repo_name"]
    owner, name = repository.split("/")
    assert config["edit_uri"] == f"https://github.com/{repository}/edit/main/docs/"
    pages = f"https://{owner}.github.io/" + ("" if name == f"{owner}.github.io" else f"{name}/")
    assert config["site_url"] == pages
    assert "repo_url" not in config, "repo_url would make Material call api.github.com"
    # nowhere else: README names mkdocs.yml as the place, and no other file repeats the address
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "`site_url`" in readme and "`mkdocs.yml`" in readme
    for path in [ROOT / "README.md", WORKFLOW, *(ROOT / "docs").glob("*.md")]:
        assert repository not in path.read_text("utf-8"), f"{path.relative_to(ROOT)} repeats the repository"
