from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from engium.identity.permissions import Role


class LoginRequest(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)
    tenant_id: UUID | None = None
    totp_code: str | None = Field(default=None, pattern=r"^\d{6}$")


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
    code: str = Field(pattern=r"^\d{6}$")


class MemberCreate(BaseModel):
    email: EmailStr
    role: Role
    display_name: str = Field(default="", max_length=200)
    password: str | None = Field(default=None, min_length=12, max_length=1024)


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


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    key_prefix: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret. Shown once; only its hash is stored.")
