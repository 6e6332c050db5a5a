from django.urls import path

from candidates.views import detail, listing, selection

app_name = "candidates"

urlpatterns = [
    path("", listing.candidate_list, name="list"),
    path("<int:candidate_id>/", detail.candidate_detail, name="detail"),
    path("<int:candidate_id>/status/", detail.candidate_set_status, name="set_status"),
    path("<int:candidate_id>/tags/", detail.candidate_set_tags, name="set_tags"),
    path("<int:candidate_id>/notes/", detail.candidate_add_note, name="add_note"),
    # The selection: the list page's ticks, one id at a time, every match, or none.
    path("selection/", selection.selection_update, name="selection_update"),
    path("selection/select/", selection.selection_select, name="select"),
    path("selection/unselect/", selection.selection_unselect, name="unselect"),
    path("selection/select-all/", selection.selection_select_all, name="select_all"),
    path("selection/clear/", selection.selection_clear_view, name="selection_clear"),
    # What to do with it.
    path("selection/email/", selection.send_email, name="send_email"),
    path("selection/status/", selection.bulk_status, name="bulk_status"),
    path("selection/tag/", selection.bulk_tag, name="bulk_tag"),
    path("selection/export.csv", selection.export_csv, name="export_csv"),
    path("selection/export.xlsx", selection.export_xlsx, name="export_xlsx"),
]
