# The library in this folder, built by freda and served by nginx (see "Hosting" in README.md):
#   docker build -t library .
#   docker run --rm -p 8080:80 library            # then open http://localhost:8080/
# Build for the address the site will have, with or without a subpath:
#   docker build -t library --build-arg BASE_URL=https://trust.example/hr/ .
# BuildKit (the default builder since Docker 23) or Podman keeps cargo's downloads and build between builds.

# Stage 1: freda from this folder's source, then the site (site.toml, content/, and static/, templates/ and
# i18n/ when the site has them). rust:1 is the newest Rust 1.x, at least the rust-version of Cargo.toml (1.89).
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src/ src/
COPY themes/ themes/
COPY content/ content/
COPY site.toml ./
# --no-default-features: only `freda build` runs here, so `freda serve` and `check --external` are left out.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --no-default-features \
    && cp target/release/freda /usr/local/bin/freda
COPY . /site
ARG BASE_URL=http://localhost:8080/
RUN sh /site/docs/deploy/docker-site.sh "$BASE_URL" /site /srv/www /default.conf

# Stage 2: the built site and its server block, nothing else.
FROM nginx:stable-alpine
COPY --from=build /default.conf /etc/nginx/conf.d/default.conf
COPY --from=build /srv/www /srv/www
