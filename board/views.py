from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from objectives.views import current_strategy_or_404

from .models import BoardSeat


@permission_required("board.view_boardseat", raise_exception=True)
def overview(request):
    strategy = current_strategy_or_404()
    seats = BoardSeat.objects.filter(strategy=strategy).current().for_page()
    return render(request, "board/overview.html", {"strategy": strategy, "seats": seats})
