from django.urls import path

from partners import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/register/", views.RegisterView.as_view(), name="register"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("accounts/two-factor/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("accounts/two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("accounts/api-token/", views.ApiTokenView.as_view(), name="api-token"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("switch-organisation/", views.SwitchOrganisationView.as_view(), name="switch-organisation"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("organisation/", views.OrganisationView.as_view(), name="organisation"),
    path("organisation/edit/", views.OrganisationEditView.as_view(), name="organisation-edit"),
    path("organisation/people/", views.PeopleView.as_view(), name="people"),
    path("organisation/people/invite/", views.InviteView.as_view(), name="people-invite"),
    path("organisation/people/<int:membership_id>/", views.MembershipEditView.as_view(), name="membership-edit"),
    path(
        "organisation/people/<int:membership_id>/deactivate/",
        views.MembershipDeactivateView.as_view(),
        name="membership-deactivate",
    ),
    path(
        "organisation/invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnerships"),
    path("partnerships/new/", views.PartnershipCreateView.as_view(), name="partnership-create"),
    path("partnerships/<int:partnership_id>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("partnerships/<int:partnership_id>/invite/", views.PartnershipInviteView.as_view(), name="partnership-invite"),
    path(
        "partnerships/<int:partnership_id>/respond/", views.PartnershipRespondView.as_view(), name="partnership-respond"
    ),
    path("audit/", views.AuditTrailView.as_view(), name="audit"),
]
