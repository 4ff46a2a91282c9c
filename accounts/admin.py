from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "community", "role", "is_active"]
    list_filter = ["community", "role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("Валіза", {"fields": ["community", "role", "provider", "phone"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("Валіза", {"fields": ["community", "role", "provider"]}),)
