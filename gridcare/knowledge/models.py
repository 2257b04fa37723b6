"""The marketing-service knowledge base (营销服务知识库, SELF-1 and SELF-4, issue 18).

An ``Article`` (a policy, an FAQ, a script or a procedure) is written as ``ArticleVersion`` rows:
an editor's draft goes to review, another person publishes or rejects it, and every version is
kept. The article carries what its published version says (title, audience, effective and
expiry dates) so that search filters on one table; ``SearchDoc`` holds the published version's
jieba-segmented words, which the database's full-text index is built on (SQLite FTS5, or a
PostgreSQL ``tsvector`` with a GIN index: the migration 0002 creates either)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class Kind(models.TextChoices):
    POLICY = "policy", _("政策")
    FAQ = "faq", _("常见问题")
    SCRIPT = "script", _("话术")
    PROCEDURE = "procedure", _("办事指南")


class Audience(models.TextChoices):
    PUBLIC = "public", _("公开")
    INTERNAL = "internal", _("内部")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")
    REJECTED = "rejected", _("已退回")
    SUPERSEDED = "superseded", _("已被新版本替代")


class Category(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("编码"), max_length=30)
    name = models.CharField(_("名称"), max_length=50)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # Retired (停用) when empty: no longer offered nor assignable; kept for the history.
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("知识分类")
        verbose_name_plural = _("知识分类")
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="knowledge_category_code_unique")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("标签"), max_length=20)

    class Meta:
        verbose_name = _("知识标签")
        verbose_name_plural = _("知识标签")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="knowledge_tag_name_unique")]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="articles", verbose_name=_("分类")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("标签"))
    # What the published version says (copied when it is published; a new article: its draft's).
    title = models.CharField(_("标题"), max_length=100)
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)  # not found from this day on
    published_version = models.ForeignKey(
        "ArticleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A key of the demo content (knowledge/demo_articles.json), so seeding twice adds nothing.
    demo_key = models.CharField(max_length=40, blank=True, default="")
    views = models.PositiveIntegerField(_("阅读次数"), default=0)
    inserts = models.PositiveIntegerField(_("引用话术次数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("知识文章")
        verbose_name_plural = _("知识文章")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "demo_key"], condition=~Q(demo_key=""), name="knowledge_article_demo_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_on__gt=F("effective_from")),
                name="knowledge_article_expires_after_effective",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("公开范围"), max_length=10, choices=Audience.choices)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"))
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文章版本")
        verbose_name_plural = _("文章版本")
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_number_unique"),
            # The four-eyes rule (another person reviews) is also the database's.
            models.CheckConstraint(
                condition=Q(reviewer__isnull=True) | ~Q(reviewer=F("editor")),
                name="knowledge_version_reviewer_not_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class SearchDoc(models.Model):
    """The published version's words, segmented by jieba (synonyms as their group's word),
    separated by spaces; the full-text index of the database is built on these columns."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="search_doc")
    title_tokens = models.TextField()
    body_tokens = models.TextField()
    # The article's filters, copied with its words (search filters on this table alone).
    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    effective_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        indexes = [models.Index(fields=["company", "audience"], name="knowledge_searchdoc_filter")]

    def __str__(self) -> str:
        return f"{self.article_id}"


class Channel(models.TextChoices):
    STAFF = "staff", _("员工页面")
    API = "api", _("接口")
    PORTAL = "portal", _("网上营业厅")


class SearchLog(models.Model):
    """One search someone asked (not the suggestions while typing), so editors see what people
    look for and what finds nothing."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    query = models.CharField(_("检索词"), max_length=100)
    hits = models.PositiveIntegerField(_("结果数"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("检索记录")
        verbose_name_plural = _("检索记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.query} ({self.hits})"


class Feedback(models.Model):
    """Helpful or not, once per person per article (a staff member or a portal customer)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey("portal.PortalUser", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    helpful = models.BooleanField(_("有帮助"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("文章评价")
        verbose_name_plural = _("文章评价")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="knowledge_feedback_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["article", "customer"],
                condition=Q(customer__isnull=False),
                name="knowledge_feedback_once_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(customer__isnull=True), name="knowledge_feedback_one_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class KnowledgeEvent(Event):
    """The history of an article and its versions."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("知识库记录")
        verbose_name_plural = _("知识库记录")


class CategoryEvent(Event):
    """The history of a category: created, renamed, moved, retired."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("知识分类记录")
        verbose_name_plural = _("知识分类记录")
