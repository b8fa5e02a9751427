from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import posted_data

from .forms import TokenForm
from .models import ApiToken
from .services import token_issue, token_revoke

MANAGE_TOKENS = "api.add_apitoken"


@permission_required("api.view_apitoken", raise_exception=True)
def token_list(request):
    tokens = ApiToken.objects.select_related("created_by", "revoked_by").prefetch_related("organisations")
    return render(request, "api/tokens.html", {"tokens": tokens})


@permission_required(MANAGE_TOKENS, raise_exception=True)
def token_new(request):
    form = TokenForm(posted_data(request))
    if form.is_valid():
        try:
            issued = token_issue(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                organisations=form.cleaned_data["organisations"],
                expires_on=form.cleaned_data["expires_on"],
                created_by=request.user,
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                for message in field_errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            # Shown on this page only: the secret is not kept and cannot be shown again.
            return render(request, "api/token_issued.html", {"token": issued.token, "secret": issued.secret})
    return render(request, "api/token_new.html", {"form": form})


@require_POST
@permission_required("api.change_apitoken", raise_exception=True)
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk)
    token_revoke(token_id=token.pk, revoked_by=request.user)
    messages.success(request, f"The token for {token.name} is revoked: it no longer works.")
    return redirect("api_tokens:list")
