"""Products and their variants: the stored documents and the API schemas.

A product document holds the catalogue (names, variants with their prices, images); stock
counters live in the `inventory` collection, one document per SKU, because they change on
every checkout and each change must be one atomic single-document update."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, model_validator

from backend_shared.ids import ObjectIdField
from backend_shared.models import StrictModel
from backend_shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageParams
from ecommerce_api.models.base import StoredDocument
from ecommerce_api.models.images import ImagePublic, StoredImage
from ecommerce_api.models.money import MAX_AMOUNT, Money

# Upper-case letters, digits, '-' and '_': safe in a URL path and as a document key.
SKU_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{0,39}$"
Sku = Annotated[str, Field(pattern=SKU_PATTERN, examples=["MUG-BLUE"])]
Stock = Annotated[StrictInt, Field(ge=0, le=1_000_000, examples=[25])]
ProductName = Annotated[str, Field(min_length=1, max_length=200, examples=["Enamel mug"])]
ProductDescription = Annotated[
    str, Field(max_length=5000, examples=["A camping mug that survives the campfire."])
]
Category = Annotated[
    str, Field(min_length=1, max_length=50, pattern=r"^\S(.*\S)?$", examples=["kitchen"])
]
VariantTitle = Annotated[str, Field(min_length=1, max_length=100, examples=["Blue, 350 ml"])]


# Stored documents ---------------------------------------------------------------------


class StoredVariant(BaseModel):
    sku: str
    title: str
    price: int  # minor units of the store currency


class ProductDoc(StoredDocument):
    name: str
    slug: str
    description: str
    category: str
    active: bool = True
    archived: bool = False
    variants: list[StoredVariant]
    images: list[StoredImage] = Field(default_factory=list)
    # Denormalised for filters and sorting: every variant's price, and the lowest one.
    variant_prices: list[int]
    price_min: int
    # The name folded for sorting, and the text `q` searches (name and description).
    name_key: str
    search_text: str
    # Bumped by every change: an update applies only to the version it read.
    version: int = 0
    created_at: datetime
    updated_at: datetime


class InventoryDoc(StoredDocument):
    """One SKU's counters. Invariant: 0 <= reserved <= on_hand, available = on_hand - reserved.
    `available` is stored so that "reserve if enough" is one conditional `$inc`."""

    sku: str
    product_id: ObjectIdField
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime


# API schemas ----------------------------------------------------------------------------


def _unique_skus(variants: list[VariantCreate]) -> list[VariantCreate]:
    seen: set[str] = set()
    for variant in variants:
        if variant.sku in seen:
            raise ValueError(f"sku {variant.sku} appears twice")
        seen.add(variant.sku)
    return variants


class VariantCreate(StrictModel):
    sku: Sku
    title: VariantTitle
    price: Money
    stock: Stock = Field(description="The initial on-hand count")


class ProductCreate(StrictModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "name": "Enamel mug",
                "description": "A camping mug that survives the campfire.",
                "category": "kitchen",
                "variants": [
                    {
                        "sku": "MUG-BLUE",
                        "title": "Blue, 350 ml",
                        "price": {"amount": 1299, "currency": "EUR"},
                        "stock": 25,
                    }
                ],
            }
        }
    )

    name: ProductName
    description: ProductDescription = ""
    category: Category
    variants: Annotated[
        list[VariantCreate], Field(min_length=1, max_length=50), AfterValidator(_unique_skus)
    ]


class VariantUpdate(StrictModel):
    """Change one of the product's variants, named by its SKU."""

    sku: Sku
    title: VariantTitle | None = None
    price: Money | None = None


class ProductUpdate(StrictModel):
    """Only the fields sent change. Orders already placed keep the prices they were placed at."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "description": "Now with a lid.",
                "active": True,
                "variants": [{"sku": "MUG-BLUE", "price": {"amount": 1499, "currency": "EUR"}}],
            }
        }
    )

    name: ProductName | None = None
    description: ProductDescription | None = None
    category: Category | None = None
    active: bool | None = None
    variants: Annotated[list[VariantUpdate], Field(max_length=50)] | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> ProductUpdate:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class VariantPublic(BaseModel):
    sku: str
    title: str
    price: Money
    available: int = Field(description="Stock on hand minus stock reserved by unpaid orders")


class ProductPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "665f1c2ab1e4c2a1d3f0e9b7",
                "name": "Enamel mug",
                "slug": "enamel-mug",
                "description": "A camping mug that survives the campfire.",
                "category": "kitchen",
                "active": True,
                "images": [],
                "variants": [
                    {
                        "sku": "MUG-BLUE",
                        "title": "Blue, 350 ml",
                        "price": {"amount": 1299, "currency": "EUR"},
                        "available": 25,
                    }
                ],
                "created_at": "2026-11-21T09:30:00Z",
                "updated_at": "2026-11-21T09:30:00Z",
            }
        }
    )

    id: str
    name: str
    slug: str
    description: str
    category: str
    active: bool
    images: list[ImagePublic]
    variants: list[VariantPublic]
    created_at: datetime
    updated_at: datetime


class ProductSort(StrEnum):
    PRICE = "price"
    PRICE_DESC = "-price"
    CREATED_AT = "created_at"
    CREATED_AT_DESC = "-created_at"
    NAME = "name"


class ProductFilters(BaseModel):
    q: str | None = Field(default=None, max_length=100, description="Text in name or description")
    category: str | None = Field(default=None, max_length=50)
    min_price: int | None = Field(default=None, ge=0, le=MAX_AMOUNT, description="Minor units")
    max_price: int | None = Field(default=None, ge=0, le=MAX_AMOUNT, description="Minor units")
    in_stock: bool | None = Field(default=None, description="Only products something is left of")
    sort: ProductSort = ProductSort.CREATED_AT_DESC


class CatalogueQuery(ProductFilters):
    """GET /products's whole query string: the filters and the page. Frozen, so that a
    parsed query is a cache key."""

    model_config = ConfigDict(frozen=True)

    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return"
    )
    offset: int = Field(default=0, ge=0, le=1_000_000, description="How many to skip")

    @property
    def page(self) -> PageParams:
        return PageParams.model_construct(limit=self.limit, offset=self.offset)


class CategoryPublic(BaseModel):
    name: str = Field(examples=["kitchen"])
    products: int = Field(description="Active products in it", examples=[3])


class CategoryList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"items": [{"name": "kitchen", "products": 3}]}}
    )

    items: list[CategoryPublic]
