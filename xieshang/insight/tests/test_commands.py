from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "id,user,title,time,detail,dislikes,likes\n"
ROWS = [
    "1,u1,青青家园小区公共通道破墙架烟道,2019/6/1 9:00:00,青青家园餐饮底商叫了只鸡在公共通道擅自破墙架设油烟管道,0,3",
    "2,u2,青青家园违规住改商,2019-06-02 10:00:00,青青家园小区餐饮底商叫了只鸡在公共通道里擅自破墙架设烟道,0,1",
    "3,u3,洪山公园何时开工,2019/6/3 9:00:00,洪山公园规划了十几年了到底什么时候开工建设,0,0",
    "4,u4,,2019/6/4 9:00:00,   ,0,0",
]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_similar_prints_one_json_line_per_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = write(tmp_path, "c.csv", HEADER + "\n".join(ROWS) + "\n")
    lines = [json.loads(x) for x in run("similar", "--corpus", corpus, "--top", "2").splitlines()]
    assert [x["id"] for x in lines] == ["1", "2", "3", "4"]
    assert lines[0]["similar"][0]["id"] == "2"
    assert all(s["id"] != x["id"] for x in lines for s in x["similar"])
    assert lines[3]["similar"] == []


def test_matters_and_hotspots(tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus = write(tmp_path, "c.csv", HEADER + "\n".join(ROWS) + "\n")
    assert json.loads(run("matters", "--corpus", corpus)) == {"groups": [["1", "2"]]}
    spots = json.loads(run("hotspots", "--corpus", corpus, "--top", "5"))["hotspots"]
    assert len(spots) == 1
    assert set(spots[0]) == {"rank", "heat", "ids", "period", "place", "description"}


LABELLED = [
    "小区道路破损,小区门口道路坑洼积水请修路,城乡建设",
    ",物业公司不维修电梯小区管理混乱,城乡建设",
    "欠薪,公司拖欠工资社保也没有缴纳,劳动和社会保障",
    ",单位不签劳动合同工资太低,劳动和社会保障",
]


# the contest's own labelled file leaves ids empty and repeats some
@pytest.mark.parametrize("ids", [["1", "2", "3", "4"], ["7", "7", "", ""]])
def test_route_eval_prints_metrics(tmp_path, ids) -> None:  # type: ignore[no-untyped-def]
    rows = [f"{i},{row}" for i, row in zip(ids, LABELLED, strict=True)]
    train = write(tmp_path, "a.csv", "id,title,detail,label\n" + "\n".join(rows) + "\n")
    got = json.loads(run("route_eval", "--train", train, "--test", train))
    assert set(got) == {
        "macro_f1",
        "accuracy",
        "n_train",
        "n_test",
        "train_seconds",
        "predict_per_second",
        "peak_rss_mb",
    }
    assert got["n_train"] == 4 and got["n_test"] == 4 and got["accuracy"] == 1.0


@pytest.mark.shared_data
def test_route_eval_trains_on_the_shipped_labelled_file(shared_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv

    source = shared_data / "routing" / "messages_dev.csv"
    with open(source, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    test = tmp_path / "b.csv"
    with open(test, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "title", "detail", "label"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows[::25])
    got = json.loads(run("route_eval", "--train", str(source), "--test", str(test)))
    assert got["n_train"] == len(rows)
    assert got["n_test"] == len(rows[::25])
    assert got["accuracy"] > 0.95  # its own training rows


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,title,detail\n1,a,b\n", "缺少列"),
        (HEADER + ROWS[0] + "\n" + ROWS[0] + "\n", "重复的 id"),
        (HEADER, "没有任何留言"),
    ],
)
def test_bad_corpus_gives_a_clear_chinese_error(tmp_path, content, message) -> None:  # type: ignore[no-untyped-def]
    corpus = write(tmp_path, "bad.csv", content)
    for command in ("similar", "matters", "hotspots"):
        with pytest.raises(CommandError, match=message):
            run(command, "--corpus", corpus)


def test_missing_file_and_bad_route_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="找不到文件"):
        run("matters", "--corpus", str(tmp_path / "none.csv"))
    bad = write(tmp_path, "r.csv", "id,title,detail\n1,a,b\n")
    with pytest.raises(CommandError, match="缺少列"):
        run("route_eval", "--train", bad, "--test", bad)
    empty = write(tmp_path, "e.csv", "id,title,detail,label\n1,,   ,城乡建设\n")
    with pytest.raises(CommandError, match="没有可用于训练的样本"):
        run("route_eval", "--train", empty, "--test", empty)
