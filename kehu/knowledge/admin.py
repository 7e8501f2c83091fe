from django.contrib import admin

from kehu.knowledge.models import Article, ArticleRating, ArticleVersion, Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    extra = 0
    fields = ["number", "state", "title", "note", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    # Status changes go through the pages (review and approval are audited there).
    list_display = ["title", "kind", "status", "version", "category", "usage_count", "helped_count",
                    "not_helped_count"]
    list_filter = ["kind", "status", "stage", "customer_type", "channel", "request_kind"]
    search_fields = ["title", "question", "body"]
    readonly_fields = ["status", "version", "usage_count", "helped_count", "not_helped_count", "created_at"]
    filter_horizontal = ["tags"]
    inlines = [VersionInline]


@admin.register(ArticleRating)
class ArticleRatingAdmin(admin.ModelAdmin):
    list_display = ["article", "user", "helped", "at"]
    list_filter = ["helped"]
