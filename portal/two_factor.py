"""Two-factor sign-in with an authenticator app (time-based one-time codes).

Officers and administrators must use it; anyone else may turn it on. django-otp
keeps the device and refuses a code that has already been used.
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role

DEVICE_NAME = "Authenticator app"


def is_required_for(user) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return user.is_superuser or user.is_staff or user.has_role(Role.OFFICER)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def needs_second_step(user) -> bool:
    """True while a signed-in person has still to give a code (or to set an authenticator up)."""
    if user.is_verified():
        return False
    return is_required_for(user) or confirmed_device(user) is not None


def device_being_set_up(user) -> TOTPDevice:
    """The person's unconfirmed device, made once so the code they scan stays the same on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def code_accepted(request, device: TOTPDevice, code: str) -> bool:
    """Check a code; on success the session counts as verified. Each code works once."""
    if not device.verify_token(code):
        return False
    if not device.confirmed:
        if confirmed_device(device.user) is not None:
            return False
        TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
    otp_login(request, device)
    return True


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
