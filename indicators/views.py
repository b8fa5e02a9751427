from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render

from objectives.views import current_strategy_or_404

from .models import PerformanceIndicator


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def indicator_list(request):
    strategy = current_strategy_or_404()
    indicators = PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details()
    return render(request, "indicators/list.html", {"strategy": strategy, "indicators": indicators})


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def detail(request, pk: int):
    indicator = get_object_or_404(PerformanceIndicator.objects.with_details(), pk=pk)
    return render(request, "indicators/detail.html", {"indicator": indicator})
