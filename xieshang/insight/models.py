from __future__ import annotations

from django.db import models

from xieshang.core.transitions import Machine, Transition


class RouterTraining(models.Model):
    """One (re)training run of the routing model, polled by the page that started it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "训练中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    n_samples = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # "" trains the server's model; otherwise the key of a committee's own (services.committee_key)
    committee = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "交办模型训练"
        verbose_name_plural = "交办模型训练"

    def __str__(self) -> str:
        return f"RouterTraining #{self.pk} {self.status} {self.progress:.0%}"


_T = RouterTraining.Status
# The worker moves a run through this table; progress is written while it runs (no version: one
# worker owns a run, and the page only polls it).
TRAINING = Machine(
    name="该训练任务",
    transitions={
        "start": Transition.of([_T.QUEUED], _T.RUNNING, "开始"),
        "finish": Transition.of([_T.RUNNING], _T.DONE, "完成"),
        "fail": Transition.of([_T.QUEUED, _T.RUNNING], _T.FAILED, "记为失败"),
    },
)
