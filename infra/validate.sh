#!/usr/bin/env bash
# Validates the Bicep templates offline: `bicep build` (compile) + `bicep lint`.
#
# The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (a
# self-contained binary at tools/bicep inside the package). If it is not in the NuGet
# package cache yet, it is restored through a throwaway project created outside the repo.
#
# Usage: infra/validate.sh          (from the repo root, infra/, or anywhere)
# Env:   BICEP=/path/to/bicep         use this binary instead of the NuGet one
#        BICEP_LINT_STRICT=1          also fail on lint warnings
set -euo pipefail

BICEP_VERSION="0.49.2"
BICEP_PACKAGE="Azure.Bicep.CommandLine.linux-x64"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"

nuget_root="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
package_dir="${nuget_root}/$(echo "${BICEP_PACKAGE}" | tr '[:upper:]' '[:lower:]')/${BICEP_VERSION}"

restore_bicep() {
  command -v dotnet >/dev/null 2>&1 || {
    echo "error: dotnet SDK not found; cannot restore ${BICEP_PACKAGE} ${BICEP_VERSION}" >&2
    exit 1
  }
  local tmp
  # Outside the repo so /work/main's Directory.Build.props / Directory.Packages.props
  # (central package management, TreatWarningsAsErrors, ...) are not inherited.
  tmp="$(mktemp -d "/tmp/bicep-restore.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '${tmp}'" EXIT
  # Empty Directory.* files stop MSBuild from searching further up for any others.
  printf '<Project />\n' >"${tmp}/Directory.Build.props"
  printf '<Project />\n' >"${tmp}/Directory.Build.targets"
  printf '<Project />\n' >"${tmp}/Directory.Packages.props"
  cat >"${tmp}/bicep-restore.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="${BICEP_PACKAGE}" Version="[${BICEP_VERSION}]" />
  </ItemGroup>
</Project>
EOF
  echo "Restoring ${BICEP_PACKAGE} ${BICEP_VERSION} into ${nuget_root} ..." >&2
  (cd "${tmp}" && DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet restore --nologo -v quiet) >&2
}

if [[ -n "${BICEP:-}" ]]; then
  bicep="${BICEP}"
else
  bicep="${package_dir}/tools/bicep"
  if [[ ! -f "${bicep}" ]]; then
    restore_bicep
  fi
  if [[ ! -f "${bicep}" ]]; then
    echo "error: ${bicep} not found after restore" >&2
    exit 1
  fi
  # NuGet does not always preserve the executable bit.
  [[ -x "${bicep}" ]] || chmod +x "${bicep}"
fi

cd "${repo_root}"
echo "Using $("${bicep}" --version)"

status=0

echo "==> bicep build infra/main.bicep"
if ! "${bicep}" build infra/main.bicep --stdout >/dev/null; then
  echo "FAIL: bicep build" >&2
  status=1
fi

echo "==> bicep lint infra/main.bicep"
lint_output="$("${bicep}" lint infra/main.bicep 2>&1)" && lint_rc=0 || lint_rc=$?
[[ -n "${lint_output}" ]] && printf '%s\n' "${lint_output}"
if [[ ${lint_rc} -ne 0 ]] || grep -qE ': Error ' <<<"${lint_output}"; then
  echo "FAIL: bicep lint reported errors" >&2
  status=1
elif [[ "${BICEP_LINT_STRICT:-0}" == "1" ]] && grep -qE ': Warning ' <<<"${lint_output}"; then
  echo "FAIL: bicep lint reported warnings (BICEP_LINT_STRICT=1)" >&2
  status=1
fi

echo "==> main.parameters.json"
if [[ ${status} -ne 0 ]]; then
  echo "(skipped: template does not build)"
elif command -v python3 >/dev/null 2>&1; then
  # Every parameter in main.parameters.json must exist in main.bicep, and every
  # parameter of main.bicep without a default must be supplied.
  if ! "${bicep}" build infra/main.bicep --stdout 2>/dev/null | python3 -c '
import json, sys
template = json.load(sys.stdin)
with open("infra/main.parameters.json") as f:
    supplied = json.load(f)["parameters"]
declared = template["parameters"]
errors = [f"unknown parameter: {p}" for p in supplied if p not in declared]
errors += [f"missing required parameter: {p}" for p, d in declared.items()
           if "defaultValue" not in d and p not in supplied]
for e in errors:
    print("error: main.parameters.json: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
'; then
    status=1
  fi
else
  echo "(python3 not found; skipped)"
fi

if [[ ${status} -eq 0 ]]; then
  echo "OK: infra/main.bicep builds and lints without errors"
fi
exit ${status}
