from django.urls import path

from partners import board_views as board
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
    # The commissioning board
    path("boards/", board.BoardListView.as_view(), name="board-list"),
    path("boards/new/", board.BoardCreateView.as_view(), name="board-create"),
    path("boards/<int:board_id>/", board.BoardDetailView.as_view(), name="board-detail"),
    path("boards/<int:board_id>/edit/", board.BoardEditView.as_view(), name="board-edit"),
    path("boards/<int:board_id>/members/add/", board.BoardMemberAddView.as_view(), name="board-member-add"),
    path(
        "boards/members/<int:board_member_id>/remove/",
        board.BoardMemberRemoveView.as_view(),
        name="board-member-remove",
    ),
    path("boards/<int:board_id>/meetings/new/", board.MeetingCreateView.as_view(), name="meeting-create"),
    path("boards/<int:board_id>/business/", board.BoardReportView.as_view(), name="board-report"),
    path("meetings/<int:board_meeting_id>/", board.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:board_meeting_id>/status/", board.MeetingTransitionView.as_view(), name="meeting-transition"),
    path(
        "meetings/<int:board_meeting_id>/attendance/", board.MeetingAttendanceView.as_view(), name="meeting-attendance"
    ),
    path("meetings/<int:board_meeting_id>/chair/", board.MeetingChairView.as_view(), name="meeting-chair"),
    path("meetings/<int:board_meeting_id>/minutes/", board.MeetingMinutesView.as_view(), name="meeting-minutes"),
    path("meetings/<int:board_meeting_id>/items/new/", board.ItemCreateView.as_view(), name="item-create"),
    path("meetings/<int:board_meeting_id>/pack/", board.MeetingPackView.as_view(), name="meeting-pack"),
    path(
        "meetings/<int:board_meeting_id>/pack/progress/",
        board.MeetingPackStatusView.as_view(),
        name="meeting-pack-status",
    ),
    path(
        "meetings/<int:board_meeting_id>/pack/download/",
        board.MeetingPackDownloadView.as_view(),
        name="meeting-pack-download",
    ),
    path("items/<int:agenda_item_id>/", board.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:agenda_item_id>/declare/", board.ItemDeclareView.as_view(), name="item-declare"),
    path("items/<int:agenda_item_id>/exclude/", board.ItemExcludeView.as_view(), name="item-exclude"),
    path("items/<int:agenda_item_id>/decide/", board.ItemDecideView.as_view(), name="item-decide"),
    path("items/<int:agenda_item_id>/withdraw/", board.ItemWithdrawView.as_view(), name="item-withdraw"),
    path("items/<int:agenda_item_id>/paper/", board.ItemPaperView.as_view(), name="item-paper"),
    path("decisions/<int:board_decision_id>/correct/", board.DecisionCorrectView.as_view(), name="decision-correct"),
    path("public/boards/", board.PublicBoardListView.as_view(), name="public-board-list"),
    path("public/boards/<int:board_id>/", board.PublicBoardView.as_view(), name="board-public"),
]
