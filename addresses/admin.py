from django.contrib import admin

from .models import AddressPoint


@admin.register(AddressPoint)
class AddressPointAdmin(admin.ModelAdmin):
    list_display = ("settlement", "street", "house", "latitude", "longitude", "source", "imported_at")
    list_filter = ("community", "source")
    search_fields = ("street", "house")
    readonly_fields = ("key", "street_key", "house_key")
