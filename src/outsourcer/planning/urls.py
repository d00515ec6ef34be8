from django.urls import path

from outsourcer.planning import views

app_name = "planning"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("tasks/", views.task_list_page, name="task_list"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/import/", views.tasks_import, name="tasks_import"),
    path("tasks/export.csv", views.tasks_export, name="tasks_export"),
    path("tasks/<uuid:task>/", views.task_edit, name="task_edit"),
    path("tasks/<uuid:task>/delete/", views.task_delete_page, name="task_delete"),
    path("tasks/<uuid:task>/candidate/", views.task_candidate, name="task_candidate"),
]
