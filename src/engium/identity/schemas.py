from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from engium.access.permissions import Role
from engium.kit.request_fields import EmailAddress


class LoginRequest(BaseModel):
    email: EmailAddress
    password: str = Field(min_length=1, max_length=1024)
    tenant_id: UUID | None = None
    totp_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")


class LoginResponse(BaseModel):
    tenant_id: UUID
    user_id: UUID
    role: Role
    csrf_token: str
    mfa_verified: bool
    mfa_setup_required: bool


class MeResponse(BaseModel):
    principal_kind: str
    principal_id: UUID
    tenant_id: UUID
    role: Role
    permissions: list[str]
    email: str | None = None
    mfa_enabled: bool | None = None


class TotpSetupResponse(BaseModel):
    secret: str
    otpauth_uri: str


class TotpConfirmRequest(BaseModel):
    code: str = Field(pattern=r"^[0-9]{6}$")


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress
    role: Role


class InvitationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    email: str
    role: Role
    invited_by_kind: str
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationOut):
    token: str = Field(description="The invitation's secret. Shown once; only its hash is stored.")
    accept_url: str = Field(description="The link to hand to the invitee (it contains the token).")


class InvitationToken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")


class InvitationPreviewOut(BaseModel):
    business_name: str
    email: str
    role: Role
    expires_at: datetime
    account_exists: bool = Field(description="True: accept by signing in with that account's password.")


class InvitationAccept(InvitationToken):
    password: str = Field(min_length=1, max_length=1024, description="A new password, or the existing account's")
    totp_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    display_name: str = Field(default="", max_length=200)


class InvitationAccepted(BaseModel):
    tenant_id: UUID
    user_id: UUID
    role: Role
    account_created: bool


class MemberUpdate(BaseModel):
    role: Role


class MemberOut(BaseModel):
    user_id: UUID
    email: str
    display_name: str
    role: Role
    mfa_enabled: bool
    created_at: datetime


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: Role


class ApiKeyCreator(BaseModel):
    kind: Literal["operator", "user", "api_key"]
    user_id: UUID | None = None
    email: str | None = Field(default=None, description="Shown while the creator is a member")
    api_key_id: UUID | None = None


class ApiKeyOut(BaseModel):
    id: UUID
    name: str
    key_prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_by: ApiKeyCreator


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret. Shown once; only its hash is stored.")
