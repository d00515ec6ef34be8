from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy

from outsourcer.accounts import selectors, services
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.forms import (
    AcceptInvitationForm,
    EmailLoginForm,
    InviteForm,
    QueuedPasswordResetForm,
    RoleForm,
    SignupForm,
    TokenForm,
    WorkspaceCreateForm,
    WorkspaceForm,
)
from outsourcer.accounts.models import Invitation, Membership, Role, User, Workspace
from outsourcer.accounts.web import (
    SESSION_LAST_WORKSPACE,
    account_view,
    public_view,
    render_access,
    workspace_view,
)
from outsourcer.audit.selectors import audit_entry_list
from outsourcer.core.actor import Actor
from outsourcer.core.http import client_ip


class ThrottledLoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("username", "")
        if services.login_blocked(email=email, ip=client_ip(request)):
            form = self.get_form()
            form.errors.clear()
            minutes = max(1, round(settings.LOGIN_FAILURE_WINDOW_SECONDS / 60))
            form.add_error(None, f"Too many failed sign-in attempts. Wait {minutes} minutes, or reset your password.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        services.login_failed(email=self.request.POST.get("username", ""), ip=client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        services.login_lock_lift(email=form.get_user().email)
        return super().form_valid(form)


login_view = public_view(ThrottledLoginView.as_view())
logout_view = public_view(auth_views.LogoutView.as_view())
password_reset = public_view(
    auth_views.PasswordResetView.as_view(
        form_class=QueuedPasswordResetForm,
        template_name="accounts/password_reset.html",
        email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public_view(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The lock message says "or reset your password": a reset must open the door again.
        services.login_lock_lift(email=form.user.email)
        return super().form_valid(form)


password_reset_confirm = public_view(ResetConfirmView.as_view())
password_reset_complete = public_view(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)


@public_view
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if not settings.ALLOW_SIGNUP:
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, workspace = services.signup(
                email=data["email"],
                password=data["password"],
                name=data["name"],
                workspace_name=data["workspace_name"],
                kind=data["kind"],
                base_currency=data["base_currency"],
                time_zone=data["time_zone"],
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome! {workspace.name} is ready.")
            return redirect("workspace:dashboard", ws=workspace.uuid)
    return render(request, "accounts/signup.html", {"form": form})


@public_view
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    last = request.session.get(SESSION_LAST_WORKSPACE)
    memberships = selectors.workspace_list_for_user(user=request.user)
    chosen = next((m for m in memberships if str(m.workspace.uuid) == last), None) or memberships.first()
    if chosen is None:
        return redirect("accounts:workspaces")
    return redirect("workspace:dashboard", ws=chosen.workspace.uuid)


@account_view
def workspaces(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(actor=Actor.web(request), owner=user, **form.cleaned_data)
        messages.success(request, f"Created {workspace.name}.")
        return redirect("workspace:dashboard", ws=workspace.uuid)
    return render(
        request,
        "accounts/workspaces.html",
        {"memberships": selectors.workspace_list_for_user(user=user), "form": form},
    )


@public_view
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.invitation_from_token(token)
    except services.AccountError as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
    user = request.user if request.user.is_authenticated else None
    existing = User.objects.filter(email__iexact=invite.email).exists()
    form = AcceptInvitationForm(request.POST or None) if user is None and not existing else None
    error = ""
    if request.method == "POST":
        try:
            if user is not None:
                services.invitation_accept(invitation=invite, user=user)
            elif form is not None and form.is_valid():
                with transaction.atomic():
                    user = services.user_create(
                        email=invite.email, password=form.cleaned_data["password"], name=form.cleaned_data["name"]
                    )
                    services.invitation_accept(invitation=invite, user=user)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                user = None
        except services.AccountError as exc:
            error = str(exc)
        else:
            if user is not None:
                messages.success(request, f"You joined {invite.workspace.name}.")
                return redirect("workspace:dashboard", ws=invite.workspace.uuid)
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invite,
            "form": form,
            "existing": existing,
            "error": error,
            "login_url": reverse("accounts:login") + "?next=" + request.path,
        },
    )


# --- Pages inside a workspace ---------------------------------------------------------------------


@workspace_view(get="portal")
def dashboard(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    if not access.can("read"):  # a contractor: their corner is the portal (by name; accounts knows no portal code)
        return redirect(reverse("portal:home", kwargs={"ws": ws.uuid}))
    members = selectors.member_list(workspace=ws)
    recent = audit_entry_list(workspace=ws)[:8] if access.can("audit") else []
    steps = [
        (
            "Describe your business",
            "Currency, time zone, working hours and the policy the health check uses.",
            reverse("workspace:settings", kwargs={"ws": ws.uuid}),
            bool(ws.country),
        ),
        (
            "Invite the people you work with",
            "Managers run the work, viewers read, contractors see only their own.",
            reverse("workspace:members", kwargs={"ws": ws.uuid}),
            len(members) > 1,
        ),
        (
            "Bring your data",
            "Import a workspace bundle, or export this one to keep a copy.",
            reverse("bundles:page", kwargs={"ws": ws.uuid}),
            False,
        ),
        (
            "Connect a script",
            "A personal API token for this workspace, read-only or read-write.",
            reverse("workspace:tokens", kwargs={"ws": ws.uuid}),
            False,
        ),
    ]
    return render_access(
        request,
        access,
        "accounts/dashboard.html",
        {"members": members, "recent": recent, "steps": steps, "policy": sorted(ws.effective_policy.items())},
    )


@workspace_view(get="read", post="admin")
def workspace_settings(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    # A ModelForm writes into its instance while validating; give it a copy so the service sees the change.
    form = WorkspaceForm(request.POST or None, instance=Workspace.objects.get(pk=ws.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(actor=Actor.web(request), workspace=ws, data=form.service_data())
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, "Settings saved.")
            return redirect("workspace:settings", ws=ws.uuid)
    if not access.can("admin"):
        for form_field in form.fields.values():
            form_field.disabled = True
    return render_access(request, access, "accounts/settings.html", {"form": form})


@workspace_view(get="read", post="admin")
def members(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.invitation_create(
                actor=Actor.web(request),
                workspace=ws,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except services.AccountError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"Invitation sent to {invite.email}.")
            return redirect("workspace:members", ws=ws.uuid)
    return render_access(
        request,
        access,
        "accounts/members.html",
        {
            "members": selectors.member_list(workspace=ws),
            "invitations": selectors.invitation_open_list(workspace=ws) if access.can("admin") else [],
            "form": form,
            "roles": Role.choices,
        },
    )


@workspace_view(get=None, post="admin")
def member_update(request: HttpRequest, access: WorkspaceAccess, member: str) -> HttpResponse:
    membership: Membership = access.get(Membership.objects.select_related("user"), member)
    actor = Actor.web(request)
    try:
        if request.POST.get("remove"):
            services.membership_remove(actor=actor, membership=membership)
            messages.success(request, f"{membership.user.email} no longer has access.")
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose one of the roles.")
            else:
                services.membership_change_role(actor=actor, membership=membership, role=form.cleaned_data["role"])
                messages.success(request, f"{membership.user.email} is now {membership.get_role_display()}.")
    except services.AccountError as exc:
        messages.error(request, str(exc))
    if request.user == membership.user and request.POST.get("remove"):
        return redirect("home")
    return redirect("workspace:members", ws=access.workspace.uuid)


@workspace_view(get=None, post="admin")
def invitation_revoke(request: HttpRequest, access: WorkspaceAccess, invitation: str) -> HttpResponse:
    invite: Invitation = access.get(Invitation.objects.all(), invitation)
    try:
        services.invitation_revoke(actor=Actor.web(request), invitation=invite)
        messages.success(request, f"Invitation to {invite.email} withdrawn.")
    except services.AccountError as exc:
        messages.error(request, str(exc))
    return redirect("workspace:members", ws=access.workspace.uuid)


@workspace_view(get="read", post="read")
def tokens(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        wants_write = form.cleaned_data["access"] == "write"
        if wants_write and not access.can("write"):
            form.add_error("access", "Your role can only hold read-only tokens.")
        else:
            _token, new_key = services.api_token_create(
                actor=Actor.web(request),
                workspace=access.workspace,
                user=user,
                name=form.cleaned_data["name"],
                read_only=not wants_write,
            )
            form = TokenForm()
    return render_access(
        request,
        access,
        "accounts/tokens.html",
        {"tokens": selectors.api_token_list(workspace=access.workspace, user=user), "form": form, "new_key": new_key},
    )


@workspace_view(get=None, post="read")
def token_revoke(request: HttpRequest, access: WorkspaceAccess, token: str) -> HttpResponse:
    # Only the holder's own tokens: another member's token is as absent as another workspace's.
    own = selectors.api_token_list(workspace=access.workspace, user=request.user)  # type: ignore[arg-type]
    api_token = access.get(own, token)
    services.api_token_revoke(actor=Actor.web(request), token=api_token)
    messages.success(request, f"Token {api_token.name} revoked.")
    return HttpResponseRedirect(reverse("workspace:tokens", kwargs={"ws": access.workspace.uuid}))
