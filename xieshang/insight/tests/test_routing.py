from __future__ import annotations

import pytest

from xieshang.insight import selectors, services
from xieshang.insight.routing import train_router

SAMPLES = [
    ("小区门口道路破损", "我们小区门口的道路坑洼不平，下雨天积水严重，请尽快修路", "城乡建设"),
    ("楼盘违建", "小区内有业主私自搭建违章建筑，占用公共绿地", "城乡建设"),
    ("物业不作为", "物业公司不维修电梯，小区管理混乱", "城乡建设"),
    ("拖欠工资", "公司拖欠我们三个月工资，社保也没有缴纳", "劳动和社会保障"),
    ("社保转移", "请问社保关系转移和养老保险怎么办理", "劳动和社会保障"),
    ("劳动合同", "单位不签劳动合同，工资低于最低工资标准", "劳动和社会保障"),
    ("学校乱收费", "学校向学生收取补课费和资料费，老师有偿补课", "教育文体"),
    ("入学问题", "孩子上小学入学划片不合理，学区划分有问题", "教育文体"),
    ("幼儿园", "幼儿园收费太高，希望增加公办幼儿园学位", "教育文体"),
]


def _train(samples=SAMPLES):  # type: ignore[no-untyped-def]
    titles, texts, labels = zip(*samples, strict=True)
    return train_router(list(titles), list(texts), list(labels))


def test_router_learns_from_a_few_examples() -> None:
    model = _train()
    assert model.predict(["工资"], ["老板拖欠工资不发，也不交社保"]) == ["劳动和社会保障"]
    assert model.predict([""], ["学校老师有偿补课，乱收资料费"]) == ["教育文体"]
    top = model.top("", "小区道路积水，请修路", 3)
    assert top[0][0] == "城乡建设"
    assert len(top) == 3
    assert abs(sum(c for _, c in top) - 1.0) < 1e-6
    assert top[0][1] >= top[1][1] >= top[2][1]


def test_two_classes_give_two_margins_and_confidences() -> None:
    from xieshang.insight import routing

    model = _train([x for x in SAMPLES if x[2] != "教育文体"])
    X = routing._features(model.vectorisers, ["欠薪"], ["老板拖欠工资"], fit=False)
    assert model.classifier.decision_function(X).shape == (1, 2)
    top = model.top("欠薪", "老板拖欠工资不发，也不交社保", 2)
    assert top[0][0] == "劳动和社会保障" and abs(top[0][1] + top[1][1] - 1.0) < 1e-6


@pytest.mark.parametrize("n_classes", [2, 3])
def test_model_saved_with_a_linear_svc_still_scores(n_classes) -> None:  # type: ignore[no-untyped-def]
    """Models saved before version 3 hold a LinearSVC, which gives one margin for two classes."""
    from sklearn.svm import LinearSVC

    from xieshang.insight import routing

    samples = [x for x in SAMPLES if n_classes == 3 or x[2] != "教育文体"]
    model = _train(samples)
    titles, texts, labels = zip(*samples, strict=True)
    X = routing._features(model.vectorisers, list(titles), list(texts), fit=False)
    model.classifier = LinearSVC(class_weight="balanced").fit(X, list(labels))
    model.version = 2
    assert model.predict(["工资"], ["老板拖欠工资不发，也不交社保"]) == ["劳动和社会保障"]
    p = model.scores(["工资"], ["老板拖欠工资不发"])
    assert p.shape == (1, n_classes) and abs(p.sum() - 1.0) < 1e-6


def test_naive_bayes_ratio_favours_a_class_own_ngrams() -> None:
    """An n-gram found only in one class's messages weighs more for that class than for others."""
    from xieshang.insight.features import NgramTfidf
    from xieshang.insight.routing import NaiveBayesSVM

    docs = ["拖欠工资", "拖欠工资不发", "工资太低", "修路积水", "道路积水", "路面破损"]
    y = ["劳动", "劳动", "劳动", "建设", "建设", "建设"]
    vec = NgramTfidf((2,))
    clf = NaiveBayesSVM().fit(vec.fit_transform(docs), y)
    (col,) = vec.transform(["工资"]).indices  # the one bigram
    labour = list(clf.classes_).index("劳动")
    assert clf.coef_[labour, col] > 0 > clf.coef_[1 - labour, col]
    assert list(clf.classes_[clf.decision_function(vec.transform(["工资拖欠", "积水路面"])).argmax(axis=1)]) == [
        "劳动",
        "建设",
    ]


def test_neighbour_vote_follows_the_most_similar_training_messages() -> None:
    """Votes go to the labels of the nearest training rows, weighted by cosine, and sum to 1."""
    import numpy as np

    from xieshang.insight.features import NgramTfidf
    from xieshang.insight.routing import NeighbourVote

    docs = ["拖欠工资", "拖欠工资不发", "工资太低", "修路积水", "道路积水", "路面破损"]
    y = np.array([0, 0, 0, 1, 1, 1])
    vec = NgramTfidf((2,))
    vote = NeighbourVote(k=3).fit(vec.fit_transform(docs), y, 2)
    v = vote.votes(vec.transform(["拖欠工资不发", "道路积水严重", "天气晴朗"]))
    assert v.shape == (3, 2)
    assert v[0, 0] == pytest.approx(1.0) and v[1, 1] == pytest.approx(1.0)
    assert v[2].tolist() == [0.0, 0.0]  # shares nothing with any training message
    # a message between the classes: its nearest neighbour's class gets the larger share
    mixed = vote.votes(vec.transform(["拖欠工资不发 路面"]))[0]
    assert mixed.sum() == pytest.approx(1.0) and mixed[0] > mixed[1] > 0


def test_neighbour_vote_keeps_only_rare_features() -> None:
    """A feature in at least max_df of the training rows is left out of the similarity."""
    import numpy as np

    from xieshang.insight.features import NgramTfidf
    from xieshang.insight.routing import NeighbourVote

    docs = [f"投诉{w}" for w in ("工资", "社保", "合同", "道路", "积水", "路灯")]
    vec = NgramTfidf((2,))
    X = vec.fit_transform(docs)
    vote = NeighbourVote(k=1, max_df=0.5).fit(X, np.array([0, 0, 0, 1, 1, 1]), 2)
    (common,) = vec.transform(["投诉"]).indices
    assert common not in vote.columns
    # sharing only the common bigram with every training message is sharing nothing
    assert vote.votes(vec.transform(["投诉"]))[0].tolist() == [0.0, 0.0]


def test_neighbour_vote_keeps_the_latest_training_messages() -> None:
    """Past max_rows the vote keeps the last rows given (the latest assignments), not the first."""
    import numpy as np

    from xieshang.insight.features import NgramTfidf
    from xieshang.insight.routing import NeighbourVote

    docs = ["路灯不亮", "路灯损坏", "路灯不亮了", "路灯坏了"]
    vec = NgramTfidf((2,))
    X = vec.fit_transform(docs)
    # the same matter went to unit 0 at first and to unit 1 since
    vote = NeighbourVote(k=2, max_df=1.0, max_rows=2).fit(X, np.array([0, 0, 1, 1]), 2)
    assert vote.labels.tolist() == [1, 1] and vote.memory_t.shape[1] == 2
    assert vote.votes(vec.transform(["路灯不亮"]))[0].tolist() == [0.0, 1.0]
    assert NeighbourVote(k=2, max_df=1.0).fit(X, np.array([0, 0, 1, 1]), 2).votes(vec.transform(["路灯不亮"]))[0, 0] > 0


def test_model_saved_without_neighbour_vote_still_scores() -> None:
    """Models saved before version 4 have no neighbour vote: margins alone."""
    model = _train()
    with_vote = model.scores(["工资"], ["老板拖欠工资不发"])
    model.neighbours = None
    without = model.scores(["工资"], ["老板拖欠工资不发"])
    assert without.shape == with_vote.shape and abs(without.sum() - 1.0) < 1e-6
    assert model.predict(["工资"], ["老板拖欠工资不发，也不交社保"]) == ["劳动和社会保障"]
    assert not (without == with_vote).all()


def test_model_saved_without_the_word_block_still_scores() -> None:
    """Models saved before version 5 have the three character blocks only and keep them."""
    from xieshang.insight import routing

    titles, texts, labels = zip(*SAMPLES, strict=True)
    chars = [b for b in routing.BLOCKS if b[0] != "words"]
    model = train_router(list(titles), list(texts), list(labels), blocks=chars)
    assert len(model.vectorisers) == 3 and model.blocks == chars
    assert model.predict(["工资"], ["老板拖欠工资不发，也不交社保"]) == ["劳动和社会保障"]
    assert len(_train().vectorisers) == len(routing.BLOCKS) == 4


def test_word_block_reads_words_and_survives_having_none() -> None:
    """The word block holds the words of two or more characters; with none seen in min_df texts
    it is one empty column instead of an error."""
    from xieshang.insight import text as tx
    from xieshang.insight.features import WordTfidf

    assert tx.content_words("针织厂半夜开机，噪音扰民！") == ["针织厂", "半夜", "开机", "噪音", "扰民"]
    assert tx.words("已\ud800处理。") == ["已", "处理"]  # the lone surrogate is dropped, not a crash
    vec = WordTfidf(tx.content_words, min_df=2)
    X = vec.fit_transform(["针织厂噪音", "针织厂夜间生产", "道路积水"])
    assert vec.n_features == 1 and X.shape == (3, 1) and X[0, 0] > 0  # 针织厂 alone is in two texts
    empty = WordTfidf(tx.content_words, min_df=2)
    assert empty.fit_transform(["工资", "道路"]).nnz == 0 and empty.n_features == 1
    assert empty.transform(["工资"]).shape == (1, 1)


def test_the_same_data_train_the_same_model() -> None:
    """liblinear visits the examples in a seeded order: two fits on the same data are equal (unseeded
    they differed by about 5e-6 in some weights), so a benchmark or a retraining is reproducible."""
    import numpy as np

    first, second = _train(), _train()
    assert np.array_equal(first.classifier.coef_, second.classifier.coef_)
    assert np.array_equal(first.scores([""], ["小区道路积水"]), second.scores([""], ["小区道路积水"]))


def test_predict_skips_votes_that_cannot_change_the_label(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """predict gives the label of the highest score; it asks the neighbour vote only about messages
    whose two best margins are within the vote's weight."""
    from xieshang.insight import routing

    model = _train()
    asked: list[int] = []
    votes = model.neighbours.votes
    monkeypatch.setattr(model.neighbours, "votes", lambda X: asked.append(X.shape[0]) or votes(X))
    texts = ["老板拖欠工资不发，也不交社保", "学校老师有偿补课，乱收资料费", "小区道路积水", "工资", "天气晴朗"]
    titles = [""] * len(texts)
    best = [model.labels[i] for i in model.scores(titles, texts).argmax(axis=1)]
    assert asked == [len(texts)]  # scores: every message
    asked.clear()
    assert model.predict(titles, texts) == best
    assert sum(asked) < len(texts)  # the clear cases were not asked about
    # a vote weight that could overturn any margin: every message is asked about, same labels
    monkeypatch.setattr(routing, "NEIGHBOUR_WEIGHT", 100.0)
    asked.clear()
    heavy = [model.labels[i] for i in model.scores(titles, texts).argmax(axis=1)]
    asked.clear()
    assert model.predict(titles, texts) == heavy and asked == [len(texts)]


def test_router_refuses_training_without_labels() -> None:
    with pytest.raises(ValueError, match="没有可用于训练的样本"):
        train_router(["a"], ["   "], [""])


def test_route_train_saves_model_and_suggestions_use_it(model_dir) -> None:  # type: ignore[no-untyped-def]
    report = services.route_train(SAMPLES)
    assert report.n_train == len(SAMPLES)
    assert (model_dir / "router.joblib").is_file()
    services.forget_model()  # next call reads the file
    got = selectors.route_suggest("公司欠薪三个月，社保没交", title="欠薪")
    assert got and got[0].label == "劳动和社会保障"
    assert 0 <= got[0].confidence <= 1


@pytest.mark.parametrize(
    "text", ["", "   \n\t", "hello world only latin", "😀😀😀", "路" * 100_000, "拖欠\ud800工资", None]
)
def test_route_suggest_never_raises_on_odd_text(model_dir, text) -> None:  # type: ignore[no-untyped-def]
    services.route_train(SAMPLES)
    got = selectors.route_suggest(text)  # type: ignore[arg-type]
    assert isinstance(got, list)
    if text is None or not str(text).strip() or text.isascii() or text.startswith("😀"):
        assert got == []


def test_route_suggest_without_model_or_data_is_empty(model_dir, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.XIESHANG_SHARED_DATA = tmp_path / "absent"
    assert selectors.route_suggest("小区道路破损") == []


@pytest.mark.django_db
def test_retrain_task_records_progress_and_metrics(model_dir, small_shipped) -> None:  # type: ignore[no-untyped-def]
    from xieshang.insight.models import RouterTraining

    run = services.router_training_start([list(s) for s in SAMPLES])  # type: ignore[misc]
    run = RouterTraining.objects.get(pk=run.pk)  # type: ignore[attr-defined]
    assert run.status == RouterTraining.Status.DONE
    assert run.progress == 1.0
    assert run.metrics["n_train"] == len(SAMPLES)
    assert run.finished_at is not None


@pytest.mark.django_db
def test_retrain_task_records_failure(model_dir) -> None:  # type: ignore[no-untyped-def]
    from xieshang.insight.models import RouterTraining

    services.router_training_start([("", "", "")])
    run = RouterTraining.objects.get()
    assert run.status == RouterTraining.Status.FAILED
    assert "没有可用于训练的样本" in run.error


@pytest.mark.shared_data
def test_cross_validated_macro_f1_on_shared_data(shared_data) -> None:  # type: ignore[no-untyped-def]
    """The naive-Bayes-scaled SVMs beat one class-balanced LinearSVC on the same features, and the
    neighbour vote adds to their margins."""
    import csv

    import numpy as np
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from xieshang.insight import routing

    with open(shared_data / "routing" / "messages_dev.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[::2]  # a subset keeps the test fast
    titles = [r["title"] for r in rows]
    texts = [r["detail"] for r in rows]
    y = np.array([r["label"] for r in rows])
    shipped, plain, margins_only = [], [], []
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, y):
        model = train_router([titles[i] for i in tr], [texts[i] for i in tr], list(y[tr]))
        pred = model.predict([titles[i] for i in te], [texts[i] for i in te])
        shipped.append(f1_score(y[te], pred, average="macro"))
        X_test = routing._features(model.vectorisers, [titles[i] for i in te], [texts[i] for i in te], fit=False)
        margins = model.classifier.decision_function(X_test)
        margins_only.append(f1_score(y[te], np.asarray(model.labels)[margins.argmax(axis=1)], average="macro"))
        X_train = routing._features(model.vectorisers, [titles[i] for i in tr], [texts[i] for i in tr], fit=False)
        svm = LinearSVC(C=routing.SVM_C, class_weight="balanced").fit(X_train, y[tr])
        plain.append(f1_score(y[te], svm.predict(X_test), average="macro"))
    assert np.mean(shipped) > 0.895
    assert np.mean(shipped) >= np.mean(plain) + 0.01
    assert np.mean(shipped) >= np.mean(margins_only) + 0.001


@pytest.mark.shared_data
def test_first_suggestion_without_history_names_a_unit(model_dir, shared_data) -> None:  # type: ignore[no-untyped-def]
    from xieshang.insight.defaults import INSIGHT_CATEGORY_UNITS

    got = selectors.route_suggest("孩子上小学入学划片不合理，学校乱收补课费", title="入学问题")
    assert got and got[0].label == INSIGHT_CATEGORY_UNITS["教育文体"]
    assert (model_dir / "router.joblib").is_file()


# A second committee routes the same kinds of message to other units.
OTHER_UNITS = {"城乡建设": "甲街道城建办", "劳动和社会保障": "甲街道劳动保障所", "教育文体": "甲街道文教办"}


def test_committee_models_are_kept_apart(model_dir) -> None:  # type: ignore[no-untyped-def]
    services.route_train(SAMPLES)
    services.route_train([(t, x, OTHER_UNITS[y]) for t, x, y in SAMPLES], committee=7)
    assert (model_dir / "router.joblib").is_file()
    assert (model_dir / "router-7.joblib").is_file()
    services.forget_model()  # both are read back from their files
    text, title = "公司欠薪三个月，社保没交", "欠薪"
    assert selectors.route_suggest(text, title=title)[0].label == "劳动和社会保障"
    assert selectors.route_suggest(text, title=title, committee=7)[0].label == "甲街道劳动保障所"
    assert selectors.route_suggest(text, title=title, committee="7")[0].label == "甲街道劳动保障所"
    # a committee without its own model gets the server's
    assert selectors.route_suggest(text, title=title, committee="other-committee")[0].label == "劳动和社会保障"


def test_committee_model_trained_elsewhere_is_picked_up(model_dir) -> None:  # type: ignore[no-untyped-def]
    services.route_train(SAMPLES)
    assert selectors.route_suggest("学校乱收补课费", committee=3)[0].label == "教育文体"
    # another process trains committee 3: the file appears, this process's cache knows nothing of it
    model = _train([(t, x, OTHER_UNITS[y]) for t, x, y in SAMPLES])
    services.save_model(model, services.model_path(3))
    assert selectors.route_suggest("学校乱收补课费", committee=3)[0].label == "甲街道文教办"


@pytest.mark.parametrize("bad", ["../etc", "a b", "委员会", "x" * 65])
def test_invalid_committee_key(model_dir, bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="委员会标识"):
        services.route_train(SAMPLES, committee=bad)
    assert not list(model_dir.glob("*.joblib"))
    assert selectors.route_suggest("公司欠薪三个月", committee=bad) == []


@pytest.mark.django_db
def test_retrain_task_for_a_committee(model_dir) -> None:  # type: ignore[no-untyped-def]
    from xieshang.insight.models import RouterTraining

    run = services.router_training_start([[t, x, OTHER_UNITS[y]] for t, x, y in SAMPLES], committee=12)  # type: ignore[misc]
    run = RouterTraining.objects.get(pk=run.pk)  # type: ignore[attr-defined]
    assert run.status == RouterTraining.Status.DONE and run.committee == "12"
    assert (model_dir / "router-12.joblib").is_file()
    assert not (model_dir / "router.joblib").exists()
    with pytest.raises(ValueError, match="委员会标识"):
        services.router_training_start([list(s) for s in SAMPLES], committee="a/b")  # type: ignore[misc]
    assert RouterTraining.objects.count() == 1


# --- the committee's own decisions against the shipped data ------------------------------------------

# 属地管理: this committee sends every matter to the office of the street it is in, which no category says
BY_PLACE = [
    (f"{street} {t}", f"{street}居民反映：{x}", f"{street}办事处")
    for street in ("石湾", "张槎")
    for t, x, _y in SAMPLES
]


def test_compare_sources_keeps_the_shipped_data_until_the_history_routes_better() -> None:
    from xieshang.insight.routing import compare_sources

    shipped = _train()
    # decisions that agree with the shipped data: the history has nothing to add yet
    assert compare_sources(SAMPLES, shipped)["source"] == "shipped"
    # decisions the shipped data cannot make (a unit per street): the history routes better
    got = compare_sources(BY_PLACE, shipped)
    assert got["source"] == "history" and got["history_accuracy"] > got["shipped_accuracy"]
    assert got["n_history"] == len(BY_PLACE)
    assert compare_sources(BY_PLACE, None)["source"] == "history"
    assert compare_sources([], shipped)["source"] == "shipped"


@pytest.fixture
def small_shipped(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Shipped data of a few messages, so a training that compares against it stays quick."""
    folder = tmp_path / "shared" / "routing"
    folder.mkdir(parents=True)
    rows = "".join(f"{i},{t},{x},{y}\n" for i, (t, x, y) in enumerate(SAMPLES, 1))
    (folder / "messages_dev.csv").write_text("id,title,detail,label\n" + rows, encoding="utf-8")
    settings.XIESHANG_SHARED_DATA = tmp_path / "shared"
    settings.INSIGHT_CATEGORY_UNITS = {"城乡建设": "区住建局", "劳动和社会保障": "区人社局", "教育文体": "区教育局"}
    return settings.INSIGHT_CATEGORY_UNITS


@pytest.mark.django_db
def test_retraining_switches_to_the_history_once_it_routes_better(model_dir, small_shipped) -> None:  # type: ignore[no-untyped-def]
    from xieshang.insight.models import RouterTraining

    agreeing = [[t, x, small_shipped[y]] for t, x, y in SAMPLES]
    run = RouterTraining.objects.get(pk=services.router_training_start(agreeing).pk)  # type: ignore[attr-defined]
    assert run.status == RouterTraining.Status.DONE and run.metrics["source"] == "shipped"
    assert "history_accuracy" in run.metrics and "shipped_accuracy" in run.metrics
    by_place = [list(s) for s in BY_PLACE]
    run = RouterTraining.objects.get(pk=services.router_training_start(by_place).pk)  # type: ignore[attr-defined]
    assert run.metrics["source"] == "history" and run.metrics["n_train"] == len(BY_PLACE)
    assert "石湾办事处" in services.load_current_model().labels
    # once ahead, the history is not measured against the shipped data again
    run = RouterTraining.objects.get(pk=services.router_training_start(agreeing).pk)  # type: ignore[attr-defined]
    assert run.metrics["source"] == "history" and "shipped_accuracy" not in run.metrics
