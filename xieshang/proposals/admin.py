"""Read-only admin views: every change to a proposal goes through the services (and their audit)."""

from django.contrib import admin

from .models import KeyProposal, NumberCounter, Proposal, Proposer, PublishedReply
from .selectors import with_handling


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProposerInline(admin.TabularInline):
    model = Proposer
    extra = 0
    fields = ["order", "name", "member", "confirmed_at", "declined_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class HandlingFilter(admin.SimpleListFilter):
    """The handling state, read from the group lead's item."""

    title = "办理状态"
    parameter_name = "handling"

    def lookups(self, request, model_admin):
        return [(v, label) for v, label in Proposal.Handling.choices if v]

    def queryset(self, request, queryset):
        return queryset.filter(handling=self.value()) if self.value() else queryset


@admin.register(Proposal)
class ProposalAdmin(ReadOnly):
    list_display = ["number_label", "title", "proposer_kind", "category", "status", "handling_state", "year"]
    list_filter = ["status", HandlingFilter, "year", "kind", "proposer_kind", "category"]
    search_fields = ["number_label", "title"]
    inlines = [ProposerInline]

    def get_queryset(self, request):
        return with_handling(super().get_queryset(request))

    @admin.display(description="办理状态")
    def handling_state(self, obj: Proposal) -> str:
        return obj.get_handling_display()


@admin.register(NumberCounter)
class NumberCounterAdmin(ReadOnly):
    list_display = ["committee", "term", "session", "last"]


@admin.register(KeyProposal)
class KeyProposalAdmin(ReadOnly):
    list_display = ["proposal", "leader", "decided_on"]


@admin.register(PublishedReply)
class PublishedReplyAdmin(ReadOnly):
    list_display = ["title", "unit_name", "published_at", "withdrawn_at"]
