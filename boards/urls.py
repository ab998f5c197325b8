"""The board's pages (paths and names as they were when the board lived in ``partners``)."""

from django.urls import path

from boards import item_views as items
from boards import views as board

urlpatterns = [
    path("boards/", board.BoardListView.as_view(), name="board-list"),
    path("boards/new/", board.BoardCreateView.as_view(), name="board-create"),
    path("boards/<int:board_id>/", board.BoardDetailView.as_view(), name="board-detail"),
    path("boards/<int:board_id>/edit/", board.BoardEditView.as_view(), name="board-edit"),
    path("boards/<int:board_id>/members/add/", board.BoardMemberAddView.as_view(), name="board-member-add"),
    path(
        "boards/members/<int:board_member_id>/change/",
        board.BoardMemberChangeView.as_view(),
        name="board-member-change",
    ),
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
    path("meetings/<int:board_meeting_id>/pack/", items.MeetingPackView.as_view(), name="meeting-pack"),
    path(
        "meetings/<int:board_meeting_id>/pack/progress/",
        items.MeetingPackStatusView.as_view(),
        name="meeting-pack-status",
    ),
    path(
        "meetings/<int:board_meeting_id>/pack/download/",
        items.MeetingPackDownloadView.as_view(),
        name="meeting-pack-download",
    ),
    path("items/<int:agenda_item_id>/", items.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:agenda_item_id>/declare/", items.ItemDeclareView.as_view(), name="item-declare"),
    path("items/<int:agenda_item_id>/exclude/", items.ItemExcludeView.as_view(), name="item-exclude"),
    path("items/<int:agenda_item_id>/decide/", items.ItemDecideView.as_view(), name="item-decide"),
    path("items/<int:agenda_item_id>/withdraw/", items.ItemWithdrawView.as_view(), name="item-withdraw"),
    path("items/<int:agenda_item_id>/paper/", items.ItemPaperView.as_view(), name="item-paper"),
    path("decisions/<int:board_decision_id>/correct/", items.DecisionCorrectView.as_view(), name="decision-correct"),
    path("public/boards/", board.PublicBoardListView.as_view(), name="public-board-list"),
    path("public/boards/<int:board_id>/", board.PublicBoardView.as_view(), name="board-public"),
]
