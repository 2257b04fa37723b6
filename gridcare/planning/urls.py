from django.urls import URLPattern, path

from gridcare.planning import desk_views, network_views, simulation_views, staffing_views, views

app_name = "planning"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("staffing/", staffing_views.plans, name="staffing"),
    path("staffing/roster/", staffing_views.roster, name="roster"),
    path("staffing/<int:plan_id>/", staffing_views.plan_page, name="staffing_plan"),
    path("staffing/<int:plan_id>/adopt/", staffing_views.plan_adopt, name="staffing_adopt"),
    path("staffing/<int:plan_id>/export.xlsx", staffing_views.plan_export, name="staffing_export"),
    # staffing plans (PLAN-1), the simulated hall day (PLAN-2), the outlet network (PLAN-3): each
    # part's paths are added here as it is built.
    path("simulate/", simulation_views.simulate, name="simulate"),
    path("staffing/<int:plan_id>/simulate/", simulation_views.plan_simulation, name="plan_simulation"),
    # the 95598 desk's agents per half hour (Erlang A)
    path("desk/", desk_views.desk, name="desk"),
    # the outlet network (PLAN-3)
    path("network/", network_views.network_index, name="network"),
    path("network/places/", network_views.places, name="network_places"),
    path("network/sites/new/", network_views.site_new, name="network_site_new"),
    path("network/sites/hall/", network_views.hall_site, name="network_hall_site"),
    path("network/sites/<int:site_id>/", network_views.site_edit, name="network_site"),
    path("network/scenarios/new/", network_views.scenario_new, name="network_scenario_new"),
    path("network/scenarios/<int:scenario_id>/", network_views.scenario_page, name="network_scenario"),
    path("network/scenarios/<int:scenario_id>/solve/", network_views.scenario_solve, name="network_solve"),
    path("network/scenarios/<int:scenario_id>/export.xlsx", network_views.scenario_export, name="network_export"),
    path("network/compare/", network_views.compare, name="network_compare"),
]
