from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from accounts.roles import Role
from compliance.forms import add_service_error
from interactions.selectors import interaction_get_for_user
from interactions.views import follow_up_page
from kols.selectors import kol_get_for_user, kols_visible_to
from msl_crm.page_cache import page_cached

from . import services
from .forms import (
    AssignForm,
    CancelForm,
    ConfirmForm,
    CustomResponseForm,
    DeliveryForm,
    InquiryEditForm,
    InquiryForm,
    InterestForm,
    ReviewForm,
    SignForm,
    StandardResponseForm,
)
from .models import InquiryPolicy, InquiryStatus, ResponseReview
from .selectors import (
    QUEUE_VIEWS,
    content_visible,
    inquiry_get_for_user,
    inquiry_list_for_user,
    interests_visible_to,
    queue_counts,
    works_inquiries,
)

PAGE_SIZE = 25


@section_required("inquiries")
@page_cached
def inquiry_list(request):
    user = request.user
    is_queue = works_inquiries(user)
    view = request.GET.get("view") or ("open" if is_queue else None)
    if view not in QUEUE_VIEWS:
        view = "open" if is_queue else None
    page = Paginator(inquiry_list_for_user(user, view=view), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for inquiry in page:
        inquiry.content_hidden = not content_visible(user, inquiry)
    context = {
        "page": page,
        "is_queue": is_queue,
        "view": view,
        "views": QUEUE_VIEWS,
        "counts": queue_counts(user),
        "query_string": f"view={view}" if view else "",
        "may_raise": user.has_role(Role.MSL),
    }
    return render(request, "inquiries/inquiry_list.html", context)


@section_required("inquiries")
@require_http_methods(["GET", "POST"])
def inquiry_new(request):
    if not request.user.has_role(Role.MSL):
        raise PermissionDenied("Only MSLs raise inquiries.")
    interaction = _source_interaction(request)
    form = InquiryForm(
        request.POST or None, user=request.user, initial=_initial(request, interaction)
    )
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.inquiry_raise(
                actor=request.user,
                interaction=interaction,
                signature_png=form.cleaned_data["signature"],
                acknowledged=form.acknowledged,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _raised_message(inquiry))
            return redirect(inquiry)
    context = {
        "form": form,
        "interaction": interaction,
        "signature_required": _signature_required(),
    }
    return render(request, "inquiries/inquiry_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_edit(request, pk):
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    if inquiry.raised_by_id != request.user.pk:
        raise PermissionDenied("Only the MSL who raised an inquiry corrects it.")
    form = InquiryEditForm(request.POST or None, instance=inquiry, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.inquiry_update(
                actor=request.user,
                inquiry=inquiry,
                acknowledged=form.acknowledged,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The inquiry was corrected.")
            return redirect(inquiry)
    return render(request, "inquiries/inquiry_form.html", {"form": form, "inquiry": inquiry})


@login_required
def inquiry_detail(request, pk):
    # Not section_required: a record the user may not see answers 404, whatever the role.
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    return render(request, "inquiries/inquiry_detail.html", _detail_context(request, inquiry))


@login_required
@require_POST
def inquiry_act(request, pk, action):
    """One step of the workflow, posted from the inquiry page. A refused step re-renders the
    page with the form and its errors, so nothing typed is lost."""
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    form_class, perform = ACTIONS[action]
    form = form_class(request.POST, **_form_kwargs(form_class, inquiry))
    if form.is_valid():
        try:
            message = perform(request.user, inquiry, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, message)
            return redirect(inquiry)
    context = _detail_context(request, inquiry, bound={action: form})
    if action not in context["forms"]:
        # The step is not on offer in this state, so its form is not on the page: say why
        # above the page instead.
        context["refusals"] = [message for errors in form.errors.values() for message in errors]
    return render(request, "inquiries/inquiry_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def inquiry_follow_up(request, pk):
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    if inquiry.raised_by_id != request.user.pk:
        raise PermissionDenied("The MSL who raised the inquiry plans its follow-ups.")
    return follow_up_page(
        request,
        about=inquiry,
        fields={"inquiry": inquiry, "kol": inquiry.kol},
        done_url=inquiry.get_absolute_url(),
    )


@login_required
def signature_image(request, pk):
    inquiry = inquiry_get_for_user(user=request.user, pk=pk)
    if not inquiry.is_signed or not content_visible(request.user, inquiry):
        raise Http404
    response = HttpResponse(bytes(inquiry.signature_png), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@section_required("inquiries")
def interest_list(request):
    interests = (
        interests_visible_to(request.user)
        .select_related("kol", "product", "topic__parent", "raised_by")
        .order_by("-valid_until", "-pk")
    )
    page = Paginator(interests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "may_raise": request.user.has_role(Role.MSL)}
    return render(request, "inquiries/interest_list.html", context)


@section_required("inquiries")
@require_http_methods(["GET", "POST"])
def interest_new(request):
    if not request.user.has_role(Role.MSL):
        raise PermissionDenied("Only MSLs record documented interests.")
    form = InterestForm(request.POST or None, user=request.user, initial=_initial(request, None))
    if request.method == "POST" and form.is_valid():
        try:
            interest = services.interest_record(
                actor=request.user,
                signature_png=form.cleaned_data["signature"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Documented interest recorded; valid until {interest.valid_until:%Y-%m-%d}.",
            )
            return redirect("inquiries:interests")
    context = {"form": form, "signature_required": _signature_required()}
    return render(request, "inquiries/interest_form.html", context)


def _assign(user, inquiry, data):
    services.inquiry_assign(actor=user, inquiry=inquiry, assignee=data["assignee"])
    return f"Assigned to {data['assignee']}."


def _use_standard(user, inquiry, data):
    response = services.response_from_standard(
        actor=user, inquiry=inquiry, standard_response=data["standard_response"]
    )
    return f"Answered with {response.standard_response}; ready to deliver."


def _draft_custom(user, inquiry, data):
    services.response_custom(
        actor=user,
        inquiry=inquiry,
        text=data["custom_text"],
        acknowledged=bool(data.get("acknowledge_warnings")),
    )
    return "The response awaits a second Medical Information review."


def _review(user, inquiry, data):
    pending = inquiry.responses.filter(review=ResponseReview.PENDING).last()
    if pending is None:
        raise ValidationError("There is no response waiting for review.")
    approve = data["decision"] == "approve"
    services.response_review(
        actor=user, response=pending, approve=approve, note=data["review_note"]
    )
    return "Approved; ready to deliver." if approve else "Sent back to the author."


def _deliver(user, inquiry, data):
    services.inquiry_deliver(actor=user, inquiry=inquiry, **data)
    return "Delivery recorded; the MSL has a follow-up to confirm it with the KOL."


def _close(user, inquiry, data):
    services.inquiry_close(actor=user, inquiry=inquiry)
    return "The inquiry is closed."


def _cancel(user, inquiry, data):
    services.inquiry_cancel(actor=user, inquiry=inquiry, reason=data["reason"])
    return "The inquiry was cancelled."


def _sign(user, inquiry, data):
    services.inquiry_sign(actor=user, inquiry=inquiry, signature_png=data["signature"])
    return "Signed. The question, the KOL and the delivery method can no longer change."


ACTIONS = {
    "assign": (AssignForm, _assign),
    "standard": (StandardResponseForm, _use_standard),
    "custom": (CustomResponseForm, _draft_custom),
    "review": (ReviewForm, _review),
    "deliver": (DeliveryForm, _deliver),
    "close": (ConfirmForm, _close),
    "cancel": (CancelForm, _cancel),
    "sign": (SignForm, _sign),
}


def _form_kwargs(form_class, inquiry) -> dict:
    if form_class is StandardResponseForm:
        return {"product": inquiry.product}
    if form_class is DeliveryForm:
        return {"inquiry": inquiry}
    return {}


def _detail_context(request, inquiry, bound=None) -> dict:
    """The inquiry page, with the forms for the steps this user may take next."""
    user = request.user
    bound = bound or {}
    show = content_visible(user, inquiry)
    is_mi = user.has_role(Role.MEDICAL_INFORMATION)
    is_raiser = inquiry.raised_by_id == user.pk
    status = inquiry.status
    forms = {}

    def offer(action, condition):
        if condition:
            form_class = ACTIONS[action][0]
            forms[action] = bound.get(action) or form_class(**_form_kwargs(form_class, inquiry))

    pending = inquiry.responses.filter(review=ResponseReview.PENDING).last() if show else None
    # Which steps the state machine allows now (services.TRANSITIONS), and which of them
    # this user's role takes.
    allowed = services.steps_allowed(inquiry)
    offer("assign", is_mi and "assign" in allowed)
    offer("standard", is_mi and "use_standard" in allowed)
    offer("custom", is_mi and "draft_custom" in allowed)
    offer("review", is_mi and pending is not None and pending.author_id != user.pk)
    offer("deliver", is_mi and "deliver" in allowed)
    offer("close", is_mi and "close" in allowed)
    offer("cancel", (is_mi or is_raiser) and "cancel" in allowed)
    offer("sign", is_raiser and status == InquiryStatus.OPEN and not inquiry.is_signed)
    return {
        "inquiry": inquiry,
        "show_content": show,
        "events": inquiry.events.select_related("actor"),
        "responses": inquiry.responses.select_related("standard_response", "author", "reviewer")
        if show
        else [],
        "pending": pending,
        "delivery": getattr(inquiry, "delivery", None) if show else None,
        "follow_ups": inquiry.follow_ups.all() if is_raiser else [],
        "forms": forms,
        "may_edit": is_raiser and status == InquiryStatus.OPEN,
        # Medical Information reads the KOL context here, not in the KOL directory.
        "kol_linkable": show and kols_visible_to(user).filter(pk=inquiry.kol_id).exists(),
        "is_overdue": inquiry.is_overdue(),
    }


def _source_interaction(request):
    pk = request.GET.get("interaction") or request.POST.get("interaction")
    if not pk or not str(pk).isdigit():
        return None
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    if interaction.owner_id != request.user.pk:
        raise PermissionDenied("An inquiry is raised from one's own interaction.")
    return interaction


def _initial(request, interaction) -> dict:
    initial = {}
    kol_pk = request.GET.get("kol")
    if kol_pk and kol_pk.isdigit():
        initial["kol"] = kol_get_for_user(user=request.user, pk=int(kol_pk)).pk
    if interaction is not None:
        attendees = list(interaction.kols.values_list("pk", flat=True))
        if len(attendees) == 1:
            initial["kol"] = attendees[0]
        if interaction.occurred_at:
            initial["requested_at"] = interaction.occurred_at
        initial["product"] = interaction.products.values_list("pk", flat=True).first()
    return initial


def _signature_required() -> bool:
    return InquiryPolicy.current().signature_required


def _raised_message(inquiry) -> str:
    message = (
        f"Inquiry #{inquiry.pk} raised; Medical Information answers by {inquiry.deadline:%Y-%m-%d}."
    )
    if inquiry.adverse_event_mentioned:
        message += " It mentions a possible adverse event: report it to drug safety today."
    return message
